import type { ReactNode, TdHTMLAttributes } from 'react';

// The console's list table, in pieces that server and client components both compose:
// <Table><THead><Th/>…</THead><TBody><tr><Td/>…</tr></TBody></Table>. Meant to sit in a white Card;
// rows stay plain <tr> so each list keeps its own key, hover and selection styling.

/** Scrolls sideways when the columns do not fit; `compact` tightens the body rows (long logs). */
export function Table({ children, compact, className = '' }: { children: ReactNode; compact?: boolean; className?: string }) {
  return (
    <div className={`overflow-x-auto ${className}`}>
      <table data-density={compact ? 'compact' : undefined} className="group/table min-w-full divide-y divide-slate-200 text-sm">
        {children}
      </table>
    </div>
  );
}

/** The header row; its children are <Th> cells. */
export function THead({ children }: { children: ReactNode }) {
  return (
    <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
      <tr>{children}</tr>
    </thead>
  );
}

/** A column header; `srOnly` names a column (e.g. row actions) for screen readers only. */
export function Th({ children, srOnly, className = '' }: { children?: ReactNode; srOnly?: boolean; className?: string }) {
  return (
    <th scope="col" className={`px-4 py-2.5 ${className}`}>
      {srOnly ? <span className="sr-only">{children}</span> : children}
    </th>
  );
}

export function TBody({ children }: { children: ReactNode }) {
  return <tbody className="divide-y divide-slate-100">{children}</tbody>;
}

export function Td({ className = '', ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={`px-4 py-3 group-data-[density=compact]/table:py-2.5 ${className}`} {...props} />;
}
