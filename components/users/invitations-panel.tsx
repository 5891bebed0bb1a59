'use client';
// Invitations on the Users page: invite someone by email (the link is shown once, to copy into a
// message of your own: Tessera sends no mail), see each invitation's status, revoke pending ones.
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc-provider';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { CardHeader, EmptyState } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Table, TBody, Td, Th, THead } from '@/components/ui/data-table';
import { Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { errorMessage, fieldErrors } from '@/lib/trpc-errors';

export interface InvitationRow {
  id: string;
  email: string;
  name: string | null;
  createdByLabel: string;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
  status: 'pending' | 'accepted' | 'expired' | 'revoked';
}

const statusTone = { pending: 'blue', accepted: 'green', expired: 'amber', revoked: 'red' } as const;
const day = (iso: string) => iso.slice(0, 10);

export function InvitationsPanel({
  invitations,
  baseUrl,
  inviteBlockedBy,
  nextHref,
}: {
  invitations: InvitationRow[];
  baseUrl: string;
  /** Why nobody can be invited now (password sign-in is off), or null. */
  inviteBlockedBy: string | null;
  nextHref: string | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.invitations.create.mutationOptions());
  const revoke = useMutation(trpc.invitations.revoke.mutationOptions());
  const [open, setOpen] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ email: string; url: string; expiresAt: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<InvitationRow | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  async function onInvite(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setErrors({});
    setFormError(null);
    try {
      const inv = await create.mutateAsync({ email: String(f.get('email') ?? ''), name: String(f.get('name') ?? '') || undefined });
      setCreated({ email: inv.email, url: `${baseUrl}/invite/${inv.token}`, expiresAt: new Date(inv.expiresAt).toISOString() });
      setCopied(false);
      setOpen(false);
      router.refresh();
    } catch (err) {
      // A message about one field is shown under that field only.
      const byField = fieldErrors(err);
      setErrors(byField);
      setFormError(Object.keys(byField).length ? null : errorMessage(err));
    }
  }

  return (
    <>
      <CardHeader
        title="Invitations"
        description="Invite people who do not come from your identity provider. They set a password and can enroll their own devices."
        actions={
          <Button onClick={() => { setOpen(true); setErrors({}); setFormError(null); }} disabled={!!inviteBlockedBy}>
            Invite user
          </Button>
        }
      />
      {inviteBlockedBy && (
        <div className="px-5 pt-4">
          <Alert tone="info">{inviteBlockedBy}</Alert>
        </div>
      )}
      {created && (
        <div className="mx-5 mt-5 rounded-lg bg-emerald-50 p-4 ring-1 ring-emerald-200" role="status">
          <p className="text-sm font-medium text-emerald-900">
            Invitation for {created.email} created. Copy the link and send it to them yourself: it is shown only this once and works until {day(created.expiresAt)}.
          </p>
          <div className="mt-2 flex items-center gap-2">
            <code data-testid="invitation-link" className="block flex-1 overflow-x-auto whitespace-nowrap rounded bg-white px-3 py-2 font-mono text-xs text-slate-900 ring-1 ring-emerald-200">
              {created.url}
            </code>
            <Button variant="secondary" size="sm" onClick={() => void navigator.clipboard?.writeText(created.url).then(() => setCopied(true))}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          </div>
        </div>
      )}
      {invitations.length === 0 ? (
        <EmptyState title="No invitations yet">Invited people appear here with the state of their invitation.</EmptyState>
      ) : (
        <Table className="mt-4 border-t border-slate-200">
          <THead>
            <Th>Invited</Th>
            <Th>Status</Th>
            <Th>Invited by</Th>
            <Th>Created</Th>
            <Th>Expires</Th>
            <Th srOnly>Actions</Th>
          </THead>
          <TBody>
            {invitations.map((i) => (
              <tr key={i.id}>
                <Td>
                  <p className="font-medium text-slate-900">{i.name || i.email}</p>
                  {i.name && <p className="text-xs text-slate-500">{i.email}</p>}
                </Td>
                <Td>
                  <Badge tone={statusTone[i.status]}>{i.status[0].toUpperCase() + i.status.slice(1)}</Badge>
                </Td>
                <Td className="text-slate-600">{i.createdByLabel}</Td>
                <Td className="text-slate-600">{day(i.createdAt)}</Td>
                <Td className="text-slate-600">
                  {i.status === 'accepted' && i.acceptedAt ? <span className="text-slate-400">Accepted {day(i.acceptedAt)}</span> : day(i.expiresAt)}
                </Td>
                <Td className="text-right">
                  {i.status === 'pending' && (
                    <Button size="sm" variant="secondary" onClick={() => setRevoking(i)} aria-label={`Revoke the invitation for ${i.email}`}>
                      Revoke
                    </Button>
                  )}
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
      {nextHref && (
        <div className="border-t border-slate-200 px-5 py-3 text-right">
          <a href={nextHref} className="text-sm font-medium text-brand-600 hover:text-brand-700">Older invitations →</a>
        </div>
      )}
      <FormDialog
        open={open}
        onClose={() => setOpen(false)}
        title="Invite a user"
        description="They get a plain User account: no console access, their own devices only."
        error={formError}
        submitLabel="Create invitation"
        busy={create.isPending}
        onSubmit={onInvite}
      >
        <Field id="invite-email" name="email" label="Email" type="email" required error={errors.email} autoFocus autoComplete="off" />
        <Field id="invite-name" name="name" label="Name" error={errors.name} hint="Optional; they can change it when they accept." autoComplete="off" />
      </FormDialog>
      <ConfirmDialog
        open={revoking !== null}
        danger
        title={`Revoke the invitation for ${revoking?.email}?`}
        confirmLabel="Revoke invitation"
        busy={revoke.isPending}
        error={revokeError}
        onCancel={() => {
          setRevoking(null);
          setRevokeError(null);
        }}
        onConfirm={async () => {
          try {
            await revoke.mutateAsync({ id: revoking!.id });
            setRevoking(null);
            router.refresh();
          } catch (e) {
            setRevokeError(errorMessage(e));
          }
        }}
      >
        The link stops working at once. You can invite them again later.
      </ConfirmDialog>
    </>
  );
}
