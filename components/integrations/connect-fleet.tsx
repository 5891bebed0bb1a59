'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';
import { CopyValue } from './secret-value';

interface Created {
  name: string;
  scepUrl: string;
  challengeUrl: string;
  challengeUsername: string;
  challengePassword: string;
}

export function ConnectFleet({ rootPemUrl }: { rootPemUrl: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.integrations.createFleet.mutationOptions());
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setErrors({});
    setFormError(null);
    try {
      const r = await create.mutateAsync({
        name: String(f.get('name') ?? ''),
        url: String(f.get('url') ?? ''),
        apiToken: String(f.get('apiToken') ?? ''),
        caName: String(f.get('caName') || 'TESSERA_AGENT'),
      });
      setCreated(r);
      setOpen(false);
      router.refresh();
    } catch (err) {
      setErrors(fieldErrors(err));
      setFormError(errorMessage(err));
    }
  }

  if (created) {
    return (
      <div className="space-y-4 rounded-lg bg-emerald-50/60 p-5 ring-1 ring-emerald-200" role="status">
        <div>
          <h3 className="font-semibold text-slate-900">“{created.name}” is connected</h3>
          <p className="mt-1 text-sm text-slate-600">
            In Fleet, go to Settings → Integrations → Certificate authorities → Add CA → Smallstep, and enter these values. The
            challenge password is shown only now: copy it before leaving this page.
          </p>
        </div>
        <div className="grid gap-3 md:grid-cols-2">
          <CopyValue label="SCEP URL" value={created.scepUrl} testId="scep-url" />
          <CopyValue label="Challenge URL" value={created.challengeUrl} testId="challenge-url" />
          <CopyValue label="Challenge username" value={created.challengeUsername} testId="challenge-username" />
          <CopyValue label="Challenge password" value={created.challengePassword} testId="challenge-password" />
        </div>
        <p className="text-sm text-slate-600">
          Devices must trust the Agents root: <a href={rootPemUrl} className="font-medium text-brand-600" download>download root CA (PEM)</a>. Profiles to
          upload to Fleet are listed with the connection below.
        </p>
        <Button variant="secondary" onClick={() => setCreated(null)}>Done</Button>
      </div>
    );
  }

  if (!open) return <Button onClick={() => setOpen(true)}>Connect Fleet</Button>;
  return (
    <form onSubmit={onSubmit} className="max-w-2xl space-y-4 rounded-lg bg-white p-5 ring-1 ring-slate-200" noValidate>
      <h3 className="font-semibold text-slate-900">Connect Fleet</h3>
      {formError && <Alert>{formError}</Alert>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="name" label="Name" required defaultValue="Fleet" error={errors.name} />
        <Field id="url" label="Fleet server URL" required placeholder="https://fleet.example.com" error={errors.url} />
      </div>
      <Field
        id="apiToken"
        label="Fleet API token"
        type="password"
        required
        autoComplete="off"
        error={errors.apiToken}
        hint="From an API-only Fleet user (observer role is enough). Stored encrypted; never shown again."
      />
      <Field
        id="caName"
        label="Certificate authority name in Fleet"
        defaultValue="TESSERA_AGENT"
        error={errors.caName}
        hint="Letters, digits and underscores. Fleet's profile variables end with it, e.g. $FLEET_VAR_SMALLSTEP_SCEP_CHALLENGE_TESSERA_AGENT."
      />
      <div className="flex gap-2">
        <Button type="submit" loading={create.isPending}>Connect</Button>
        <Button type="button" variant="secondary" onClick={() => setOpen(false)}>Cancel</Button>
      </div>
    </form>
  );
}
