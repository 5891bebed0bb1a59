'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';

type Role = 'owner' | 'admin' | 'user';

export function UserRowActions({
  user,
  actorRole,
  isSelf,
}: {
  user: { id: string; email: string; role: Role; active: boolean };
  actorRole: Role;
  isSelf: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [pendingRole, setPendingRole] = useState<Role | null>(null);
  const [confirmActive, setConfirmActive] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const setRole = useMutation(trpc.users.setRole.mutationOptions());
  const setActive = useMutation(trpc.users.setActive.mutationOptions());
  const mayManage = actorRole === 'owner' || user.role === 'user';
  if (!mayManage) return <span className="text-xs text-slate-400">Owner only</span>;
  const roles: Role[] = actorRole === 'owner' ? ['user', 'admin', 'owner'] : ['user'];

  async function run(fn: () => Promise<unknown>, done: () => void) {
    setError(null);
    try {
      await fn();
      done();
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <div className="flex items-center justify-end gap-2">
      <label className="sr-only" htmlFor={`role-${user.id}`}>Role of {user.email}</label>
      <select
        id={`role-${user.id}`}
        value={user.role}
        disabled={!user.active || roles.length < 2}
        onChange={(e) => setPendingRole(e.target.value as Role)}
        className="rounded-md border-0 py-1 pl-2 pr-7 text-xs ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600 disabled:bg-slate-50"
      >
        {(['user', 'admin', 'owner'] as Role[]).map((r) => (
          <option key={r} value={r} disabled={!roles.includes(r)}>
            {r[0].toUpperCase() + r.slice(1)}
          </option>
        ))}
      </select>
      <Button size="sm" variant={user.active ? 'secondary' : 'secondary'} onClick={() => setConfirmActive(true)}>
        {user.active ? 'Deactivate' : 'Reactivate'}
      </Button>
      <ConfirmDialog
        open={pendingRole !== null}
        title={`Change ${user.email}'s role?`}
        confirmLabel="Change role"
        busy={setRole.isPending}
        error={error}
        onCancel={() => { setPendingRole(null); setError(null); }}
        onConfirm={() => run(() => setRole.mutateAsync({ userId: user.id, role: pendingRole! }), () => setPendingRole(null))}
      >
        Their role changes from <strong>{user.role}</strong> to <strong>{pendingRole}</strong>. {isSelf ? 'You' : 'They'} will need to sign in again.
      </ConfirmDialog>
      <ConfirmDialog
        open={confirmActive}
        danger={user.active}
        title={user.active ? `Deactivate ${user.email}?` : `Reactivate ${user.email}?`}
        confirmLabel={user.active ? 'Deactivate' : 'Reactivate'}
        busy={setActive.isPending}
        error={error}
        onCancel={() => { setConfirmActive(false); setError(null); }}
        onConfirm={() => run(() => setActive.mutateAsync({ userId: user.id, active: !user.active }), () => setConfirmActive(false))}
      >
        {user.active
          ? 'Their sessions end at once and they can no longer sign in. Nothing else is deleted.'
          : 'They will be able to sign in again.'}
      </ConfirmDialog>
    </div>
  );
}
