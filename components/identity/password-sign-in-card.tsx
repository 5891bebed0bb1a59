'use client';
// Password sign-in on or off. Turning it off is offered only once SSO demonstrably works for an
// Owner (the server checks again); the CLI's `auth password-signin enable` is the way back in.
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { errorMessage } from '@/lib/trpc-errors';

export interface PasswordSignInState {
  enabled: boolean;
  idpConfigured: boolean;
  ssoOwners: string[];
  disableBlockedBy: string | null;
}

export function PasswordSignInCard({ status, canEdit, signedInWithSso }: { status: PasswordSignInState; canEdit: boolean; signedInWithSso: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const set = useMutation(trpc.identity.setPasswordSignIn.mutationOptions());
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // An Owner signed in through Entra ID right now is proof enough, whatever the stored sign-ins say.
  const blockedBy = signedInWithSso && status.idpConfigured ? null : status.disableBlockedBy;

  async function apply() {
    setError(null);
    try {
      await set.mutateAsync({ enabled: !status.enabled });
      setConfirming(false);
      // Turning passwords off ends password sessions, this one included.
      if (status.enabled && !signedInWithSso) window.location.assign('/signin');
      else router.refresh();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <div className="space-y-4 p-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-2 text-sm text-slate-700">
          <span className="font-medium text-slate-900">Password sign-in</span>
          {status.enabled ? <Badge tone="green">Enabled</Badge> : <Badge tone="amber">Disabled · Entra ID only</Badge>}
        </div>
        {canEdit &&
          (status.enabled ? (
            <Button variant="secondary" className="disabled:opacity-50" onClick={() => setConfirming(true)} disabled={!!blockedBy}>
              Turn off password sign-in
            </Button>
          ) : (
            <Button variant="secondary" onClick={() => setConfirming(true)}>
              Turn password sign-in back on
            </Button>
          ))}
      </div>
      {status.enabled ? (
        <p className="text-sm text-slate-600">
          People can sign in with their email and password{status.idpConfigured ? ' or with Microsoft Entra ID' : ''}. Once single sign-on works, an Owner can
          turn passwords off so that everyone signs in through Entra ID, where your conditional access and MFA policies apply.
        </p>
      ) : (
        <p className="text-sm text-slate-600">
          Everyone signs in with Microsoft Entra ID. The sign-in page shows only the Entra ID button, and invitations cannot be accepted with a password.
        </p>
      )}
      {status.enabled && blockedBy && <Alert tone="info">{blockedBy}</Alert>}
      {status.ssoOwners.length > 0 && (
        <p className="text-xs text-slate-500">Owners who have signed in with Entra ID: {status.ssoOwners.join(', ')}</p>
      )}
      {!canEdit && <p className="text-sm text-slate-500">Only Owners can change how people sign in.</p>}
      <p className="text-xs text-slate-500">
        Locked out? On the server, <code className="rounded bg-slate-100 px-1 py-0.5 font-mono">npx tessera auth password-signin enable</code> turns password sign-in back on.
      </p>
      <ConfirmDialog
        open={confirming}
        danger={status.enabled}
        title={status.enabled ? 'Turn off password sign-in?' : 'Turn password sign-in back on?'}
        confirmLabel={status.enabled ? 'Turn off' : 'Turn on'}
        busy={set.isPending}
        error={error}
        onCancel={() => {
          setConfirming(false);
          setError(null);
        }}
        onConfirm={() => void apply()}
      >
        {status.enabled ? (
          <>
            People will sign in with Microsoft Entra ID only. Sessions opened with a password end at once
            {signedInWithSso ? '.' : ', including yours: sign in again with Entra ID.'} Invited people can no longer accept with a password.
          </>
        ) : (
          'People with a Tessera password can sign in with it again, beside Microsoft Entra ID.'
        )}
      </ConfirmDialog>
    </div>
  );
}
