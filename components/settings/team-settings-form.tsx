'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

interface Settings {
  name: string;
  slug: string;
  requireApprovalSelfEnrolled: boolean;
  requireApprovalMdm: boolean;
  idpSelfEnrollment: boolean;
  deprovisionAction: 'review' | 'revoke';
}

function Toggle({ id, label, description, checked, onChange }: { id: string; label: string; description: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <div className="flex items-start justify-between gap-6 py-4">
      <div>
        <label htmlFor={id} className="text-sm font-medium text-slate-900">{label}</label>
        <p id={`${id}-desc`} className="mt-0.5 text-sm text-slate-500">{description}</p>
      </div>
      <button
        id={id}
        type="button"
        role="switch"
        aria-checked={checked}
        aria-describedby={`${id}-desc`}
        onClick={() => onChange(!checked)}
        className={`relative inline-flex h-6 w-11 shrink-0 cursor-pointer rounded-full border-2 border-transparent transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 ${checked ? 'bg-brand-600' : 'bg-slate-200'}`}
      >
        <span className={`pointer-events-none inline-block size-5 rounded-full bg-white shadow ring-0 transition ${checked ? 'translate-x-5' : 'translate-x-0'}`} />
      </button>
    </div>
  );
}

// Not keyed on the saved row: a refresh after saving must not remount the form and drop its
// confirmation; `initial` follows the server and `dirty` compares against it.
export function TeamSettingsForm({ initial }: { initial: Settings }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [s, setS] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const update = useMutation(trpc.team.update.mutationOptions());
  const dirty = JSON.stringify(s) !== JSON.stringify(initial);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setErrors({});
    setStatus(null);
    try {
      await update.mutateAsync(s);
      setStatus({ tone: 'success', text: 'Settings saved.' });
      router.refresh();
    } catch (err) {
      setErrors(fieldErrors(err));
      setStatus({ tone: 'error', text: errorMessage(err) });
    }
  }

  return (
    <form onSubmit={save} className="space-y-6">
      <div className="grid gap-4 px-5 pt-5 sm:grid-cols-2">
        <Field id="name" label="Team name" value={s.name} error={errors.name} onChange={(e) => setS({ ...s, name: e.target.value })} />
        <Field
          id="slug"
          label="Team slug"
          value={s.slug}
          error={errors.slug}
          hint="Device agents and generated profiles use it; changing it means re-deploying them."
          onChange={(e) => setS({ ...s, slug: e.target.value })}
        />
      </div>
      <div className="px-5">
        <h3 className="text-sm font-semibold text-slate-900">Device approval</h3>
        <p className="text-sm text-slate-500">Devices added through the API are always approved. A device becomes high-assurance only after it attests its hardware identity.</p>
        <div className="mt-2 divide-y divide-slate-100">
          <Toggle
            id="requireApprovalSelfEnrolled"
            label="Require approval for self-enrolled devices"
            description="Devices that users enroll themselves wait for an admin's approval before they can get certificates."
            checked={s.requireApprovalSelfEnrolled}
            onChange={(v) => setS({ ...s, requireApprovalSelfEnrolled: v })}
          />
          <Toggle
            id="requireApprovalMdm"
            label="Require approval for MDM-synced devices"
            description="Devices synced from Fleet or Jamf wait for an admin's approval."
            checked={s.requireApprovalMdm}
            onChange={(v) => setS({ ...s, requireApprovalMdm: v })}
          />
          <Toggle
            id="idpSelfEnrollment"
            label="IdP self-enrollment"
            description="Users who sign in through your identity provider can enroll their own devices."
            checked={s.idpSelfEnrollment}
            onChange={(v) => setS({ ...s, idpSelfEnrollment: v })}
          />
        </div>
      </div>
      <fieldset className="px-5">
        <legend className="text-sm font-semibold text-slate-900">When your identity provider deprovisions a user</legend>
        <p className="text-sm text-slate-500">
          A user deactivated or deleted through SCIM loses console access at once and their devices are flagged. Reactivating them restores sign-in, never revoked certificates.
        </p>
        <div className="mt-3 space-y-3">
          {(
            [
              ['review', 'Flag devices for review', 'Certificates stay valid until an admin decides.'],
              ['revoke', 'Revoke certificates and quarantine devices', 'Every valid certificate of the user’s devices is revoked (reason: affiliation changed) and the devices are quarantined.'],
            ] as const
          ).map(([value, label, description]) => (
            <label key={value} className="flex items-start gap-3 text-sm">
              <input
                type="radio"
                name="deprovisionAction"
                value={value}
                checked={s.deprovisionAction === value}
                onChange={() => setS({ ...s, deprovisionAction: value })}
                className="mt-0.5 size-4 text-brand-600"
              />
              <span>
                <span className="font-medium text-slate-900">{label}</span>
                <span className="block text-slate-500">{description}</span>
              </span>
            </label>
          ))}
        </div>
        {errors.deprovisionAction && <p className="mt-1 text-sm text-red-600">{errors.deprovisionAction}</p>}
      </fieldset>
      <div className="flex items-center justify-end gap-3 border-t border-slate-200 bg-slate-50 px-5 py-3">
        {status && <div className="mr-auto"><Alert tone={status.tone}>{status.text}</Alert></div>}
        <Button type="button" variant="secondary" disabled={!dirty || update.isPending} onClick={() => { setS(initial); setErrors({}); }}>
          Reset
        </Button>
        <Button type="submit" loading={update.isPending} disabled={!dirty}>
          Save changes
        </Button>
      </div>
    </form>
  );
}
