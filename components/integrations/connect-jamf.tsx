'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

export function ConnectJamf() {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.integrations.createJamf.mutationOptions());
  const [open, setOpen] = useState(false);
  const [method, setMethod] = useState<'client_credentials' | 'basic'>('client_credentials');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const v = (k: string) => String(f.get(k) ?? '');
    setErrors({});
    setFormError(null);
    try {
      await create.mutateAsync(
        method === 'basic'
          ? { authMethod: 'basic', name: v('name'), url: v('url'), username: v('username'), password: v('password') }
          : { authMethod: 'client_credentials', name: v('name'), url: v('url'), clientId: v('clientId'), clientSecret: v('clientSecret') },
      );
      setOpen(false);
      router.refresh();
    } catch (err) {
      setErrors(fieldErrors(err));
      setFormError(errorMessage(err));
    }
  }

  if (!open) return <Button variant="secondary" onClick={() => setOpen(true)}>Connect Jamf Pro</Button>;
  return (
    <form onSubmit={onSubmit} className="max-w-2xl space-y-4 rounded-lg bg-white p-5 ring-1 ring-slate-200" noValidate>
      <h3 className="font-semibold text-slate-900">Connect Jamf Pro</h3>
      {formError && <Alert>{formError}</Alert>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="jamf-name" name="name" label="Name" required defaultValue="Jamf Pro" error={errors.name} />
        <Field id="jamf-url" name="url" label="Jamf Pro URL" required placeholder="https://example.jamfcloud.com" error={errors.url} />
      </div>
      <fieldset className="flex gap-4 text-sm">
        <legend className="mb-1 text-sm font-medium text-slate-700">Authentication</legend>
        <label className="flex items-center gap-2"><input type="radio" checked={method === 'client_credentials'} onChange={() => setMethod('client_credentials')} /> API client (recommended)</label>
        <label className="flex items-center gap-2"><input type="radio" checked={method === 'basic'} onChange={() => setMethod('basic')} /> Username and password</label>
      </fieldset>
      {method === 'client_credentials' ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="jamf-client-id" name="clientId" label="Client ID" required error={errors.clientId} />
          <Field id="jamf-client-secret" name="clientSecret" label="Client secret" type="password" autoComplete="off" required error={errors.clientSecret} />
        </div>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="jamf-username" name="username" label="Username" required error={errors.username} />
          <Field id="jamf-password" name="password" label="Password" type="password" autoComplete="off" required error={errors.password} />
        </div>
      )}
      <p className="text-xs text-slate-500">Give the API client read access to computers and mobile devices. Credentials are stored encrypted and never shown again.</p>
      <div className="flex gap-2">
        <Button type="submit" loading={create.isPending}>Connect and sync</Button>
        <Button type="button" variant="secondary" onClick={() => setOpen(false)}>Cancel</Button>
      </div>
    </form>
  );
}
