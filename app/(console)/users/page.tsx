import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, TBody, Td, Th, THead } from '@/components/ui/data-table';
import { inputClass } from '@/components/ui/field';
import { AddUserDialog } from '@/components/users/add-user-dialog';
import { InvitationsPanel } from '@/components/users/invitations-panel';
import { UserRowActions } from '@/components/users/user-row-actions';
import { formatRelative } from '@/lib/format';
import { consoleApi } from '@/server/api/caller';
import { publicBaseUrl } from '@/server/http/base-url';
import { INVITE_WHILE_SSO_ONLY_MESSAGE } from '@/server/services/invitations/create-invitation';

export const metadata = { title: 'Users' };

const roleTone = { owner: 'violet', admin: 'blue', user: 'gray' } as const;

export default async function UsersPage({ searchParams }: { searchParams: Promise<{ q?: string; cursor?: string; inv?: string }> }) {
  const sp = await searchParams;
  const q = sp.q?.slice(0, 200) || undefined;
  const cursor = sp.cursor?.slice(0, 300) || undefined;
  const invCursor = sp.inv?.slice(0, 100) || undefined;
  const caller = await consoleApi();
  const me = await caller.users.me();
  const [{ users, nextCursor }, invites, passwordSignIn] = await Promise.all([
    caller.users.list({ search: q, cursor, limit: 50 }),
    // A stale or hand-edited ?inv= cursor falls back to the first page rather than an error page.
    caller.invitations.list({ cursor: invCursor, limit: 20 }).catch((e: { code?: string }) => {
      if (e.code === 'BAD_REQUEST') return caller.invitations.list({ limit: 20 });
      throw e;
    }),
    caller.identity.passwordSignIn(),
  ]);
  return (
    <>
      <PageHeader
        title="Users"
        description="People in your team. Owners and Admins use the console; Users own devices."
        actions={<AddUserDialog canGrantAdmin={me.role === 'owner'} />}
      />
      <form className="mb-4 flex gap-2" role="search">
        <label htmlFor="q" className="sr-only">Search users</label>
        <input id="q" name="q" defaultValue={q} placeholder="Search by email or name" className={`${inputClass} max-w-sm`} />
        <Button type="submit" variant="secondary">Search</Button>
      </form>
      <Card className="overflow-hidden">
        {users.length === 0 ? (
          <EmptyState title={q ? 'No users match your search' : 'No users yet'} />
        ) : (
          <Table>
            <THead>
              <Th>User</Th>
              <Th>Role</Th>
              <Th>Source</Th>
              <Th>Status</Th>
              <Th>Last sign-in</Th>
              <Th srOnly>Actions</Th>
            </THead>
            <TBody>
              {users.map((u) => (
                <tr key={u.id}>
                  <Td>
                    <Link href={`/users/${u.id}`} className="font-medium text-slate-900 hover:text-brand-700">{u.name || u.email}</Link>
                    {u.name && <p className="text-xs text-slate-500">{u.email}</p>}
                  </Td>
                  <Td><Badge tone={roleTone[u.role]}>{u.role}</Badge></Td>
                  <Td className="text-slate-600">{u.source === 'scim' ? 'SCIM' : 'Local'}</Td>
                  <Td>{u.active ? <Badge tone="green">Active</Badge> : <Badge tone="red">Deactivated</Badge>}</Td>
                  <Td className="text-slate-500">{formatRelative(u.lastSignInAt)}</Td>
                  <Td>
                    <UserRowActions user={u} actorRole={me.role} isSelf={u.id === me.id} />
                  </Td>
                </tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
      <div className="mt-4 flex justify-between">
        {cursor ? <Link href={`/users${q ? `?q=${encodeURIComponent(q)}` : ''}`} className="text-sm font-medium text-brand-600">← First page</Link> : <span />}
        {nextCursor && (
          <Link href={`/users?${new URLSearchParams({ ...(q && { q }), cursor: nextCursor })}`} className="text-sm font-medium text-brand-600">
            Next page →
          </Link>
        )}
      </div>
      <Card className="mt-8 overflow-hidden pb-0">
        <InvitationsPanel
          baseUrl={publicBaseUrl()}
          inviteBlockedBy={passwordSignIn.enabled ? null : INVITE_WHILE_SSO_ONLY_MESSAGE}
          nextHref={invites.nextCursor ? `/users?${new URLSearchParams({ ...(q && { q }), inv: invites.nextCursor })}` : null}
          invitations={invites.invitations.map((i) => ({
            id: i.id,
            email: i.email,
            name: i.name,
            createdByLabel: i.createdByLabel,
            createdAt: i.createdAt.toISOString(),
            expiresAt: i.expiresAt.toISOString(),
            acceptedAt: i.acceptedAt?.toISOString() ?? null,
            revokedAt: i.revokedAt?.toISOString() ?? null,
            status: i.status,
          }))}
        />
      </Card>
    </>
  );
}
