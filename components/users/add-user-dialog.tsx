'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

export function AddUserDialog({ canGrantAdmin }: { canGrantAdmin: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const ref = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useMutation(trpc.users.create.mutationOptions());

  useEffect(() => {
    if (open) ref.current?.showModal();
    else ref.current?.close();
  }, [open]);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setErrors({});
    setFormError(null);
    try {
      await create.mutateAsync({
        email: String(f.get('email')),
        name: String(f.get('name') || '') || undefined,
        role: String(f.get('role')) as 'user' | 'admin' | 'owner',
        password: String(f.get('password') || '') || undefined,
      });
      setOpen(false);
      router.refresh();
    } catch (err) {
      setErrors(fieldErrors(err));
      setFormError(errorMessage(err));
    }
  }

  return (
    <>
      <Button onClick={() => setOpen(true)}>Add user</Button>
      <dialog
        ref={ref}
        onCancel={(e) => {
          e.preventDefault();
          setOpen(false);
        }}
        className="m-auto w-full max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
        aria-labelledby="add-user-title"
      >
        {open && (
          <form onSubmit={onSubmit} noValidate>
            <div className="space-y-4 p-6">
              <h2 id="add-user-title" className="text-base font-semibold">Add a user</h2>
              {formError && <Alert>{formError}</Alert>}
              <Field id="email" label="Email" type="email" required error={errors.email} autoFocus />
              <Field id="name" label="Name" error={errors.name} />
              <Field id="role" label="Role" error={errors.role}>
                <select id="role" name="role" className={inputClass} defaultValue="user">
                  <option value="user">User: owns devices, no console access</option>
                  {canGrantAdmin && <option value="admin">Admin: manages users and devices</option>}
                  {canGrantAdmin && <option value="owner">Owner: also manages Admins and Owners</option>}
                </select>
              </Field>
              <Field
                id="password"
                label="Initial password"
                type="password"
                autoComplete="new-password"
                error={errors.password}
                hint="Optional. At least 12 characters; leave empty for users who sign in through your identity provider."
              />
            </div>
            <div className="flex justify-end gap-2 border-t border-slate-200 bg-slate-50 px-6 py-3">
              <Button type="button" variant="secondary" onClick={() => setOpen(false)}>Cancel</Button>
              <Button type="submit" loading={create.isPending}>Add user</Button>
            </div>
          </form>
        )}
      </dialog>
    </>
  );
}
