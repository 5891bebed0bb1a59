'use client';
// The invitee's side of an invitation: name and a password (the same rules as the first Owner's),
// then a normal password sign-in and on to "My devices".
import { useMutation } from '@tanstack/react-query';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

export function AcceptInvitationForm({ token, email, name, expiresAt }: { token: string; email: string; name: string | null; expiresAt: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(trpc.invitations.accept.mutationOptions());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [signingIn, setSigningIn] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const password = String(f.get('password') ?? '');
    if (password !== String(f.get('confirmPassword') ?? '')) {
      setErrors({ confirmPassword: 'The passwords do not match' });
      return;
    }
    setErrors({});
    setFormError(null);
    try {
      await accept.mutateAsync({ token, password, name: String(f.get('name') ?? '').trim() || undefined });
    } catch (err) {
      // A message about one field is shown under that field only.
      const byField = fieldErrors(err);
      setErrors(byField);
      setFormError(Object.keys(byField).length ? null : errorMessage(err));
      return;
    }
    setSigningIn(true);
    const res = await signIn('credentials', { email, password, redirect: false });
    router.replace(res?.ok ? '/my/devices' : '/signin?next=/my/devices');
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {formError && <Alert>{formError}</Alert>}
      <div>
        <p className="text-sm font-medium text-slate-700">Email</p>
        <p className="mt-1 rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-900 ring-1 ring-inset ring-slate-200" data-testid="invite-email">
          {email}
        </p>
      </div>
      <Field id="name" label="Your name" defaultValue={name ?? ''} autoComplete="name" error={errors.name} />
      <Field
        id="password"
        label="Password"
        type="password"
        required
        autoComplete="new-password"
        hint="At least 12 characters."
        error={errors.password}
        autoFocus
      />
      <Field id="confirmPassword" label="Confirm password" type="password" required autoComplete="new-password" error={errors.confirmPassword} />
      <Button type="submit" className="w-full" loading={accept.isPending || signingIn}>
        Create account and sign in
      </Button>
      <p className="text-center text-xs text-slate-500">This invitation works once, until {expiresAt.slice(0, 10)}.</p>
    </form>
  );
}
