'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Field, inputClass } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { formatDateTime } from '@/lib/format';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

type Policy = 'registered-only' | 'allow' | 'deny';

interface EkRoot {
  id: string;
  name: string;
  subject: string;
  sha256: string;
  notAfter: Date;
  addedBy: string;
}

const POLICIES: Array<[Policy, string, string]> = [
  ['registered-only', 'Only for registered devices', 'Accepted when a device with that EK URI is already in the inventory (added through the API, the console or a CSV import).'],
  ['allow', 'Accept any TPM', 'Any EK gets an AK certificate; the device it enrolls waits for approval like any self-enrolled device.'],
  ['deny', 'Require an EK certificate', 'Only TPMs whose EK certificate chains to a trusted manufacturer root.'],
];

export function TpmAttestationPanel({ policy, ekRoots, isOwner }: { policy: Policy; ekRoots: EkRoot[]; isOwner: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const save = useMutation(trpc.attestation.updateSettings.mutationOptions());
  const add = useMutation(trpc.attestation.addEkRoot.mutationOptions());
  const remove = useMutation(trpc.attestation.removeEkRoot.mutationOptions());
  const [chosen, setChosen] = useState<Policy>(policy);
  const [status, setStatus] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [adding, setAdding] = useState(false);
  const [form, setForm] = useState({ name: '', pem: '' });
  const [formErrors, setFormErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<EkRoot | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);

  return (
    <div className="space-y-6 px-5 py-4 text-sm">
      {status && <Alert tone={status.tone}>{status.text}</Alert>}
      <fieldset>
        <legend className="font-semibold text-slate-900">TPMs without an EK certificate</legend>
        <p className="text-slate-500">Without a manufacturer certificate an EK proves only that some TPM, or some software, holds the key.</p>
        <div className="mt-3 space-y-3">
          {POLICIES.map(([value, label, description]) => (
            <label key={value} className="flex items-start gap-3">
              <input type="radio" name="tpmEkWithoutCertificate" value={value} checked={chosen === value} onChange={() => setChosen(value)} className="mt-0.5 size-4 text-brand-600" />
              <span>
                <span className="font-medium text-slate-900">{label}</span>
                <span className="block text-slate-500">{description}</span>
              </span>
            </label>
          ))}
        </div>
        <Button
          className="mt-3"
          variant="secondary"
          disabled={chosen === policy}
          loading={save.isPending}
          onClick={async () => {
            setStatus(null);
            try {
              await save.mutateAsync({ tpmEkWithoutCertificate: chosen });
              setStatus({ tone: 'success', text: 'Attestation setting saved.' });
              router.refresh();
            } catch (err) {
              setStatus({ tone: 'error', text: errorMessage(err) });
            }
          }}
        >
          Save
        </Button>
      </fieldset>

      <div>
        <div className="flex items-center justify-between gap-4">
          <div>
            <h3 className="font-semibold text-slate-900">Added EK roots</h3>
            <p className="text-slate-500">CAs that issue EK certificates, trusted in addition to the TPM vendor roots shipped with Tessera.</p>
          </div>
          {isOwner && (
            <Button variant="secondary" className="shrink-0 whitespace-nowrap" onClick={() => setAdding(true)}>
              Add EK root
            </Button>
          )}
        </div>
        {ekRoots.length === 0 ? (
          <p className="mt-3 text-slate-500">None.</p>
        ) : (
          <ul className="mt-3 divide-y divide-slate-100" aria-label="Added EK roots">
            {ekRoots.map((r) => (
              <li key={r.id} className="flex items-start justify-between gap-4 py-2.5">
                <div className="min-w-0">
                  <p className="font-medium text-slate-900">{r.name}</p>
                  <p className="break-words text-slate-600">{r.subject}</p>
                  <p className="break-all font-mono text-xs text-slate-500">{r.sha256}</p>
                  <p className="text-xs text-slate-500">
                    Valid until {formatDateTime(r.notAfter)} · added by {r.addedBy}
                  </p>
                </div>
                {isOwner && (
                  <Button variant="ghost" size="sm" onClick={() => setRemoving(r)} aria-label={`Remove ${r.name}`}>
                    Remove
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {!isOwner && <p className="mt-2 text-xs text-slate-500">Only Owners add or remove EK roots.</p>}
      </div>

      <FormDialog
        open={adding}
        onClose={() => {
          setAdding(false);
          setFormErrors({});
          setFormError(null);
        }}
        title="Add an EK root"
        description="The CA certificate (PEM) that issues your TPMs' EK certificates, or one above it."
        error={formError}
        submitLabel="Add"
        busy={add.isPending}
        wide
        onSubmit={async (e) => {
          e.preventDefault();
          setFormErrors({});
          setFormError(null);
          try {
            await add.mutateAsync(form);
            setAdding(false);
            setForm({ name: '', pem: '' });
            setStatus({ tone: 'success', text: `EK root "${form.name}" added.` });
            router.refresh();
          } catch (err) {
            setFormErrors(fieldErrors(err));
            setFormError(errorMessage(err));
          }
        }}
      >
        <Field id="ek-root-name" label="Name" value={form.name} error={formErrors.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <Field id="ek-root-pem" label="Certificate (PEM)" error={formErrors.pem}>
          <textarea
            id="ek-root-pem"
            rows={8}
            className={`${inputClass} font-mono text-xs`}
            value={form.pem}
            aria-invalid={!!formErrors.pem}
            placeholder="-----BEGIN CERTIFICATE-----"
            onChange={(e) => setForm({ ...form, pem: e.target.value })}
          />
        </Field>
      </FormDialog>

      <ConfirmDialog
        open={!!removing}
        title={`Remove "${removing?.name ?? ''}"?`}
        confirmLabel="Remove"
        busy={remove.isPending}
        error={removeError}
        onCancel={() => {
          setRemoving(null);
          setRemoveError(null);
        }}
        onConfirm={async () => {
          try {
            await remove.mutateAsync({ id: removing!.id });
            setRemoving(null);
            router.refresh();
          } catch (err) {
            setRemoveError(errorMessage(err));
          }
        }}
      >
        TPMs whose EK certificates chain only to this CA can no longer get AK certificates. AK certificates already issued stay valid until they expire (30 days at most).
      </ConfirmDialog>
    </div>
  );
}
