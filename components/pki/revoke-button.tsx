'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { inputClass } from '@/components/ui/field';

const REASONS: [string, string][] = [
  ['unspecified', 'Unspecified'],
  ['keyCompromise', 'Key compromise'],
  ['affiliationChanged', 'Affiliation changed'],
  ['superseded', 'Superseded'],
  ['cessationOfOperation', 'Cessation of operation'],
  ['certificateHold', 'Certificate hold'],
  ['privilegeWithdrawn', 'Privilege withdrawn'],
];

export function RevokeButton({ serialHex, subject }: { serialHex: string; subject: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const revoke = useMutation(trpc.pki.revoke.mutationOptions());
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('unspecified');
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => setOpen(true)}>
        Revoke
      </Button>
      <ConfirmDialog
        open={open}
        danger
        title="Revoke this certificate?"
        confirmLabel="Revoke"
        busy={revoke.isPending}
        error={error}
        onCancel={() => {
          setOpen(false);
          setError(null);
        }}
        onConfirm={async () => {
          try {
            await revoke.mutateAsync({ serialHex, reason: reason as 'unspecified' });
            setOpen(false);
            router.refresh();
          } catch (e) {
            setError((e as Error).message);
          }
        }}
      >
        <p className="mb-3 break-all">
          <span className="font-mono text-xs">{serialHex}</span> · {subject}
        </p>
        <p className="mb-3">The CRL is republished at once. Revocation cannot be undone.</p>
        <label htmlFor={`reason-${serialHex}`} className="mb-1 block text-sm font-medium text-slate-700">Reason</label>
        <select id={`reason-${serialHex}`} value={reason} onChange={(e) => setReason(e.target.value)} className={inputClass}>
          {REASONS.map(([v, l]) => (
            <option key={v} value={v}>{l}</option>
          ))}
        </select>
      </ConfirmDialog>
    </>
  );
}
