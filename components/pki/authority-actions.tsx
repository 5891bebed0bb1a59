'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';

export function AuthorityActions({ isOwner }: { isOwner: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const rotate = useMutation(trpc.pki.rotateRa.mutationOptions());
  const crl = useMutation(trpc.pki.regenerateCrl.mutationOptions());
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <div className="space-y-3">
      {notice && <Alert tone="success">{notice}</Alert>}
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          loading={crl.isPending}
          onClick={async () => {
            await crl.mutateAsync();
            setNotice('A new CRL was published.');
            router.refresh();
          }}
        >
          Publish CRL now
        </Button>
        {isOwner && (
          <Button variant="secondary" onClick={() => setConfirm(true)}>
            Rotate SCEP RA certificate
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={confirm}
        title="Rotate the SCEP RA certificate?"
        confirmLabel="Rotate"
        busy={rotate.isPending}
        error={error}
        onCancel={() => {
          setConfirm(false);
          setError(null);
        }}
        onConfirm={async () => {
          try {
            const r = await rotate.mutateAsync({ confirm: true });
            setConfirm(false);
            setNotice(`New RA certificate ${r.serialHex.slice(0, 16)}… is live. The previous one still decrypts requests in flight.`);
            router.refresh();
          } catch (e) {
            setError((e as Error).message);
          }
        }}
      >
        Devices receive the new RA with their next GetCACert. Requests encrypted to the current RA keep working, so enrollments in progress do not break. The root and intermediate do not change.
      </ConfirmDialog>
    </div>
  );
}
