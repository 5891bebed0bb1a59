'use client';
import { useState } from 'react';

/** A value to copy into another system, with a copy button. */
export function CopyValue({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div>
      <p className="text-xs font-medium text-slate-500">{label}</p>
      <div className="mt-1 flex items-center gap-2">
        <code data-testid={testId} className="block flex-1 overflow-x-auto whitespace-nowrap rounded bg-slate-50 px-2.5 py-1.5 font-mono text-xs text-slate-900 ring-1 ring-slate-200">
          {value}
        </code>
        <button
          type="button"
          className="rounded-md px-2 py-1 text-xs font-medium text-brand-600 hover:bg-brand-50"
          onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true))}
          aria-label={`Copy ${label}`}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
