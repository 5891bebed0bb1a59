'use client';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { CopyValue } from './secret-value';

export function RotateChallenge({ id, name }: { id: string; name: string }) {
  const trpc = useTRPC();
  const rotate = useMutation(trpc.integrations.rotateChallenge.mutationOptions());
  const [open, setOpen] = useState(false);
  const [result, setResult] = useState<{ challengeUsername: string; challengePassword: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      {result ? (
        <div className="grid gap-3 md:grid-cols-2">
          <CopyValue label="Challenge username" value={result.challengeUsername} />
          <CopyValue label="New challenge password (shown once)" value={result.challengePassword} testId="rotated-password" />
        </div>
      ) : (
        <Button size="sm" variant="secondary" onClick={() => setOpen(true)}>Rotate challenge password</Button>
      )}
      <ConfirmDialog
        open={open}
        danger
        title={`Rotate the challenge password of “${name}”?`}
        confirmLabel="Rotate"
        busy={rotate.isPending}
        error={error}
        onCancel={() => setOpen(false)}
        onConfirm={async () => {
          try {
            setResult(await rotate.mutateAsync({ id }));
            setOpen(false);
          } catch (e) {
            setError((e as Error).message);
          }
        }}
      >
        The current password stops working at once: update it in Fleet right after, or profile deliveries will fail.
      </ConfirmDialog>
    </>
  );
}
