'use client';
// Disconnects Entra ID sign-in after a confirmation. While password sign-in is off the server
// refuses (Entra ID is then the only way in), and the button says why instead of offering it.
// The dialog is portalled to <body>: this button sits inside the settings form, whose submit its
// buttons would otherwise trigger.
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTRPC } from '@/components/trpc-provider';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { errorMessage } from '@/lib/trpc-errors';

export function RemoveEntraButton({ passwordSignInEnabled, signedInWithSso }: { passwordSignInEnabled: boolean; signedInWithSso: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const remove = useMutation(trpc.identity.removeEntra.mutationOptions());
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);

  async function onConfirm() {
    setError(null);
    try {
      await remove.mutateAsync();
      setOpen(false);
      // Sessions opened through Entra ID end with it.
      if (signedInWithSso) window.location.assign('/signin');
      else router.refresh();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <>
      <div className="flex items-center gap-3">
        {!passwordSignInEnabled && (
          <p className="text-xs text-slate-500" id="remove-entra-hint">
            Entra ID is the only way to sign in: turn password sign-in back on to remove it.
          </p>
        )}
        <Button
          type="button"
          variant="secondary"
          className="disabled:opacity-50"
          onClick={() => setOpen(true)}
          disabled={!passwordSignInEnabled}
          aria-describedby={passwordSignInEnabled ? undefined : 'remove-entra-hint'}
        >
          Remove Entra ID
        </Button>
      </div>
      {mounted &&
        createPortal(
          <ConfirmDialog
            open={open}
            danger
            title="Remove Microsoft Entra ID sign-in?"
            confirmLabel="Remove"
            busy={remove.isPending}
            error={error}
            onCancel={() => {
              setOpen(false);
              setError(null);
            }}
            onConfirm={() => void onConfirm()}
          >
            The sign-in page stops offering Microsoft Entra ID and sessions opened through it end at once{signedInWithSso ? ', including yours' : ''}. The client
            secret is deleted. Users and groups provisioned over SCIM, and the SCIM tokens, stay as they are.
          </ConfirmDialog>,
          document.body,
        )}
    </>
  );
}
