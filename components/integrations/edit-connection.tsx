'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, inputClass } from '@/components/ui/field';
import { errorMessage } from '@/lib/trpc-errors';

const INTERVALS: [number, string][] = [
  [60, 'Every hour'],
  [240, 'Every 4 hours'],
  [720, 'Every 12 hours'],
  [1440, 'Every day'],
];

export function EditConnection({ id, name, syncIntervalMinutes, syncEnabled }: { id: string; name: string; syncIntervalMinutes: number; syncEnabled: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const update = useMutation(trpc.integrations.update.mutationOptions());
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!open) {
    return (
      <Button size="sm" variant="secondary" onClick={() => setOpen(true)}>
        Edit
      </Button>
    );
  }
  return (
    <form
      className="w-full space-y-3 rounded-md bg-slate-50 p-4 ring-1 ring-slate-200"
      onSubmit={async (e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        setError(null);
        try {
          await update.mutateAsync({
            id,
            name: String(f.get('name')),
            syncIntervalMinutes: Number(f.get('interval')),
            syncEnabled: f.get('enabled') === 'on',
          });
          setOpen(false);
          router.refresh();
        } catch (err) {
          setError(errorMessage(err));
        }
      }}
    >
      {error && <Alert>{error}</Alert>}
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id={`name-${id}`} name="name" label="Name" defaultValue={name} required />
        <Field id={`interval-${id}`} label="Sync schedule">
          <select id={`interval-${id}`} name="interval" defaultValue={syncIntervalMinutes} className={inputClass}>
            {INTERVALS.map(([v, l]) => (
              <option key={v} value={v}>{l}</option>
            ))}
            {!INTERVALS.some(([v]) => v === syncIntervalMinutes) && <option value={syncIntervalMinutes}>Every {syncIntervalMinutes} minutes</option>}
          </select>
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={syncEnabled} /> Sync on schedule
      </label>
      <div className="flex gap-2">
        <Button size="sm" type="submit" loading={update.isPending}>Save</Button>
        <Button size="sm" type="button" variant="secondary" onClick={() => setOpen(false)}>Cancel</Button>
      </div>
    </form>
  );
}
