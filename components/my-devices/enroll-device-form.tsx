'use client';
// "Enroll a device": name, serial number, OS and (optionally) the hardware UUID. The server decides
// the source (SSO or manual self-enrollment) and whether the device waits for approval.
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

const OS = ['macOS', 'Windows', 'Linux', 'iOS', 'tvOS', 'watchOS', 'visionOS'] as const;

export function EnrollDeviceForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const enroll = useMutation(trpc.myDevices.enroll.mutationOptions());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<{ name: string; pending: boolean } | null>(null);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    setErrors({});
    setFormError(null);
    setDone(null);
    try {
      const device = await enroll.mutateAsync({
        displayName: s('displayName'),
        serial: s('serial'),
        os: s('os') as (typeof OS)[number],
        hardwareUuid: s('hardwareUuid') || undefined,
      });
      setDone({ name: device.displayName ?? s('displayName'), pending: device.approvalStatus === 'pending' });
      form.reset();
      router.refresh();
    } catch (err) {
      // A message about one field is shown under that field only.
      const byField = fieldErrors(err);
      setErrors(byField);
      setFormError(Object.keys(byField).length ? null : errorMessage(err));
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4 p-5" noValidate aria-label="Enroll a device">
      {done && (
        <Alert tone="success">
          {done.name} is enrolled{done.pending ? ' and waits for an administrator’s approval' : ' and approved'}. Next, install the Tessera agent on it.
        </Alert>
      )}
      {formError && <Alert>{formError}</Alert>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="displayName" label="Device name" required error={errors.displayName} placeholder="Dana’s MacBook Pro" autoComplete="off" />
        <Field id="os" label="Operating system" error={errors.os}>
          <select id="os" name="os" className={inputClass} defaultValue="macOS" aria-invalid={!!errors.os}>
            {OS.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </Field>
        <Field
          id="serial"
          label="Serial number"
          required
          error={errors.serial}
          autoComplete="off"
          hint="macOS: Apple menu → About This Mac. Windows: wmic bios get serialnumber. Linux: sudo dmidecode -s system-serial-number."
        />
        <Field
          id="hardwareUuid"
          label="Hardware UUID (optional)"
          error={errors.hardwareUuid}
          autoComplete="off"
          hint="Helps match the device to your MDM's record. macOS: System Information → Hardware UUID."
        />
      </div>
      <Button type="submit" loading={enroll.isPending}>
        Enroll device
      </Button>
    </form>
  );
}
