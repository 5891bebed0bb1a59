'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

export function AddUserDialog({ canGrantAdmin }: { canGrantAdmin: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useMutation(trpc.users.create.mutationOptions());

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
      <FormDialog open={open} onClose={() => setOpen(false)} title="Add a user" error={formError} submitLabel="Add user" busy={create.isPending} onSubmit={onSubmit}>
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
      </FormDialog>
    </>
  );
}
