'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

const OS = ['Linux', 'Windows', 'macOS', 'iOS', 'tvOS', 'watchOS', 'visionOS'] as const;

export function AddDeviceDialog() {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useMutation(trpc.devices.create.mutationOptions());

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const s = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    setErrors({});
    setFormError(null);
    try {
      const { id } = await create.mutateAsync({
        permanentIdentifier: s('permanentIdentifier')!,
        serial: s('serial'),
        displayName: s('displayName'),
        os: s('os') as (typeof OS)[number] | undefined,
        ownership: s('ownership') as 'company' | 'user' | undefined,
        ownerEmail: s('ownerEmail'),
        tags: s('tags')?.split(',').map((t) => t.trim()).filter(Boolean),
      });
      setOpen(false);
      router.push(`/devices/${id}`);
    } catch (err) {
      setErrors(fieldErrors(err));
      setFormError(errorMessage(err));
    }
  }

  return (
    <>
      <Button onClick={() => setOpen(true)}>Add device</Button>
      <FormDialog
        open={open}
        onClose={() => setOpen(false)}
        wide
        title="Add a device"
        description="Devices you add are approved. They become high-assurance once they attest."
        error={formError}
        submitLabel="Add device"
        busy={create.isPending}
        onSubmit={onSubmit}
      >
        <Field
          id="permanentIdentifier"
          label="Permanent identifier"
          required
          autoFocus
          error={errors.permanentIdentifier}
          hint="The serial number for Apple devices; the TPM EK URI (urn:ek:sha256:…) for Windows and Linux."
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="displayName" label="Name" error={errors.displayName} />
          <Field id="serial" label="Serial number" error={errors.serial} />
          <Field id="os" label="Operating system" error={errors.os}>
            <select id="os" name="os" className={inputClass} defaultValue="">
              <option value="">Unknown</option>
              {OS.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
          </Field>
          <Field id="ownership" label="Ownership" error={errors.ownership}>
            <select id="ownership" name="ownership" className={inputClass} defaultValue="">
              <option value="">Not set</option>
              <option value="company">Company</option>
              <option value="user">User</option>
            </select>
          </Field>
        </div>
        <Field id="ownerEmail" label="Owner email" type="email" error={errors.ownerEmail} />
        <Field id="tags" label="Tags" error={errors.tags} hint="Comma-separated." />
      </FormDialog>
    </>
  );
}
