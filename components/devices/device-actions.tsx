'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';

type Pending =
  | { kind: 'approve' | 'reject' }
  | { kind: 'lifecycle'; status: 'active' | 'quarantined' | 'deleted' }
  | { kind: 'delete' };

export function DeviceActions({ id, label, approvalStatus, lifecycleStatus }: { id: string; label: string; approvalStatus: string; lifecycleStatus: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [pending, setPending] = useState<Pending | null>(null);
  const [error, setError] = useState<string | null>(null);
  const approval = useMutation(trpc.devices.setApproval.mutationOptions());
  const lifecycle = useMutation(trpc.devices.setLifecycle.mutationOptions());
  const remove = useMutation(trpc.devices.delete.mutationOptions());
  const busy = approval.isPending || lifecycle.isPending || remove.isPending;

  async function confirm() {
    if (!pending) return;
    setError(null);
    try {
      if (pending.kind === 'approve' || pending.kind === 'reject') {
        await approval.mutateAsync({ deviceIds: [id], decision: pending.kind === 'approve' ? 'approved' : 'rejected' });
      } else if (pending.kind === 'lifecycle') {
        await lifecycle.mutateAsync({ id, status: pending.status });
      } else {
        await remove.mutateAsync({ id });
        router.push('/devices');
        return;
      }
      setPending(null);
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const text: Record<string, [string, string, boolean]> = {
    approve: [`Approve ${label}?`, 'The device may then receive certificates.', false],
    reject: [`Reject ${label}?`, 'The device will not receive certificates until it is approved.', true],
    quarantined: [`Quarantine ${label}?`, 'A quarantined device receives no new certificates; integrations can deny it access.', true],
    active: [`Reactivate ${label}?`, 'The device returns to the active state.', false],
    deleted: [`Mark ${label} as deleted?`, 'The device stays in the inventory with the deleted lifecycle state.', true],
    delete: [`Delete ${label} from the inventory?`, 'The device and its source records are removed. The audit log keeps a record. An MDM sync may add it again.', true],
  };
  const key = pending ? (pending.kind === 'lifecycle' ? pending.status : pending.kind) : 'approve';
  const [title, body, danger] = text[key];

  return (
    <div className="flex flex-wrap gap-2">
      {approvalStatus !== 'approved' && <Button onClick={() => setPending({ kind: 'approve' })}>Approve</Button>}
      {approvalStatus !== 'rejected' && (
        <Button variant="secondary" onClick={() => setPending({ kind: 'reject' })}>
          Reject
        </Button>
      )}
      {lifecycleStatus === 'active' ? (
        <Button variant="secondary" onClick={() => setPending({ kind: 'lifecycle', status: 'quarantined' })}>
          Quarantine
        </Button>
      ) : (
        <Button variant="secondary" onClick={() => setPending({ kind: 'lifecycle', status: 'active' })}>
          Reactivate
        </Button>
      )}
      <Button variant="danger" onClick={() => setPending({ kind: 'delete' })}>
        Delete
      </Button>
      <ConfirmDialog
        open={pending !== null}
        title={title}
        confirmLabel={pending?.kind === 'delete' ? 'Delete device' : 'Confirm'}
        danger={danger}
        busy={busy}
        error={error}
        onCancel={() => {
          setPending(null);
          setError(null);
        }}
        onConfirm={() => void confirm()}
      >
        {body}
      </ConfirmDialog>
    </div>
  );
}
