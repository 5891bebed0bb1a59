'use client';
import { useMutation } from '@tanstack/react-query';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

const toSlug = (s: string) =>
  s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);

export function SetupForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [teamName, setTeamName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const setup = useMutation(trpc.setup.create.mutationOptions());

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const ownerEmail = String(f.get('ownerEmail'));
    const ownerPassword = String(f.get('ownerPassword'));
    if (ownerPassword !== String(f.get('confirmPassword'))) {
      setErrors({ confirmPassword: 'The passwords do not match' });
      return;
    }
    setErrors({});
    setFormError(null);
    try {
      await setup.mutateAsync({ teamName, slug, ownerEmail, ownerName: String(f.get('ownerName') || ''), ownerPassword });
    } catch (err) {
      setErrors(fieldErrors(err));
      setFormError(errorMessage(err));
      return;
    }
    const res = await signIn('credentials', { email: ownerEmail, password: ownerPassword, redirect: false });
    router.replace(res?.ok ? '/' : '/signin');
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      {formError && <Alert>{formError}</Alert>}
      <fieldset className="space-y-4">
        <legend className="text-xs font-semibold uppercase tracking-wide text-slate-500">Team</legend>
        <Field
          id="teamName"
          label="Team name"
          required
          value={teamName}
          error={errors.teamName}
          onChange={(e) => {
            setTeamName(e.target.value);
            if (!slugEdited) setSlug(toSlug(e.target.value));
          }}
          placeholder="Acme Corp"
          autoFocus
        />
        <Field
          id="slug"
          label="Team slug"
          required
          value={slug}
          error={errors.slug}
          onChange={(e) => {
            setSlug(e.target.value);
            setSlugEdited(true);
          }}
          hint="Used by device agents and in generated profiles. Lowercase letters, digits and hyphens."
          placeholder="acme"
        />
      </fieldset>
      <fieldset className="space-y-4">
        <legend className="text-xs font-semibold uppercase tracking-wide text-slate-500">First Owner</legend>
        <Field id="ownerName" label="Your name" autoComplete="name" error={errors.ownerName} />
        <Field id="ownerEmail" label="Email" type="email" required autoComplete="email" error={errors.ownerEmail} />
        <Field
          id="ownerPassword"
          label="Password"
          type="password"
          required
          autoComplete="new-password"
          hint="At least 12 characters."
          error={errors.ownerPassword}
        />
        <Field id="confirmPassword" label="Confirm password" type="password" required autoComplete="new-password" error={errors.confirmPassword} />
      </fieldset>
      <Button type="submit" className="w-full" loading={setup.isPending}>
        Create team and Owner
      </Button>
    </form>
  );
}
