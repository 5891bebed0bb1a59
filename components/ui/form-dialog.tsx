'use client';
import { useEffect, useRef, type ReactNode } from 'react';
import { Alert } from './alert';
import { Button } from './button';

/** A modal form on <dialog>: title, error banner, fields, Cancel/Submit. Escape cancels. */
export function FormDialog({
  open,
  onClose,
  title,
  description,
  error,
  submitLabel,
  busy,
  onSubmit,
  children,
  wide,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  error?: string | null;
  submitLabel: string;
  busy?: boolean;
  onSubmit: (e: React.FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (open) ref.current?.showModal();
    else ref.current?.close();
  }, [open]);
  const titleId = `dialog-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <dialog
      ref={ref}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className={`m-auto w-full ${wide ? 'max-w-lg' : 'max-w-md'} rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40`}
      aria-labelledby={titleId}
    >
      {open && (
        <form onSubmit={onSubmit} noValidate>
          <div className="space-y-4 p-6">
            <div>
              <h2 id={titleId} className="text-base font-semibold">{title}</h2>
              {description && <p className="text-sm text-slate-500">{description}</p>}
            </div>
            {error && <Alert>{error}</Alert>}
            {children}
          </div>
          <div className="flex justify-end gap-2 border-t border-slate-200 bg-slate-50 px-6 py-3">
            <Button type="button" variant="secondary" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={busy}>{submitLabel}</Button>
          </div>
        </form>
      )}
    </dialog>
  );
}
