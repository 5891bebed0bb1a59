import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ApprovalBadge, AssuranceBadge, LifecycleBadge } from '@/components/devices/device-badges';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { Table, TBody, Td, Th, THead } from '@/components/ui/data-table';
import { formatDateTime, formatRelative } from '@/lib/format';
import { DetailRow } from '@/components/ui/detail-row';
import { UserRowActions } from '@/components/users/user-row-actions';
import { consoleApi } from '@/server/api/caller';

export const metadata = { title: 'User' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const roleTone = { owner: 'violet', admin: 'blue', user: 'gray' } as const;
const REASONS: Record<number, string> = { 0: 'unspecified', 1: 'key compromise', 3: 'affiliation changed', 4: 'superseded', 5: 'cessation of operation', 9: 'privilege withdrawn' };

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const caller = await consoleApi();
  const [detail, me] = await Promise.all([
    caller.users.get({ id }).catch((e: { code?: string }) => {
      if (e.code === 'NOT_FOUND') notFound();
      throw e;
    }),
    caller.users.me(),
  ]);
  const { user: u, groups, devices, certificates } = detail;
  const deviceName = new Map(devices.map((d) => [d.id, d.label]));
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/users" className="text-brand-600 hover:text-brand-700">Users</Link>
        <span className="text-slate-400"> / </span>
        <span className="text-slate-600">{u.name || u.email}</span>
      </nav>
      <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{u.name || u.email}</h1>
          <div className="mt-2 flex flex-wrap gap-1.5">
            <Badge tone={roleTone[u.role]}>{u.role}</Badge>
            <Badge>{u.source === 'scim' ? 'SCIM' : 'Local'}</Badge>
            {u.deletedAt ? <Badge tone="red">Deleted by identity provider</Badge> : u.active ? <Badge tone="green">Active</Badge> : <Badge tone="red">Deactivated</Badge>}
          </div>
        </div>
        {/* Owners choose which people (SSO or local) are Owners or Admins; Admins manage plain Users. */}
        {!u.deletedAt && <UserRowActions user={u} actorRole={me.role} isSelf={u.id === me.id} />}
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Identity" />
          <dl className="divide-y divide-slate-100 py-1">
            <DetailRow label="Email">{u.email}</DetailRow>
            <DetailRow label="SCIM userName">{u.userName}</DetailRow>
            <DetailRow label="External id">{u.externalId && <span className="font-mono text-xs">{u.externalId}</span>}</DetailRow>
            <DetailRow label="Last sign-in">{formatRelative(u.lastSignInAt)}</DetailRow>
            <DetailRow label="Created">{formatDateTime(u.createdAt)}</DetailRow>
            {u.deletedAt && <DetailRow label="Deleted">{formatDateTime(u.deletedAt)}</DetailRow>}
          </dl>
        </Card>
        <Card>
          <CardHeader title="Groups" description="Memberships your identity provider manages." />
          {groups.length === 0 ? (
            <EmptyState title="Not in any group" />
          ) : (
            <ul className="flex flex-wrap gap-2 px-5 py-4">
              {groups.map((g) => (
                <li key={g.id}>
                  <Link href={`/groups?q=${encodeURIComponent(g.displayName)}`} className="inline-flex rounded-md bg-slate-100 px-2.5 py-1 text-sm text-slate-700 hover:bg-slate-200">
                    {g.displayName}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card className="mt-6 overflow-hidden">
        <CardHeader title="Devices" description="Devices this user owns." />
        {devices.length === 0 ? (
          <EmptyState title="No devices" />
        ) : (
          <Table>
            <THead>
              <Th>Device</Th>
              <Th>OS</Th>
              <Th>Status</Th>
              <Th>Last seen</Th>
            </THead>
            <TBody>
              {devices.map((d) => (
                <tr key={d.id}>
                  <Td>
                    <Link href={`/devices/${d.id}`} className="font-medium text-brand-600 hover:text-brand-700">{d.label}</Link>
                  </Td>
                  <Td className="text-slate-600">{d.os ?? '—'}</Td>
                  <Td>
                    <div className="flex flex-wrap gap-1.5">
                      <ApprovalBadge status={d.approvalStatus} />
                      <AssuranceBadge assurance={d.assurance} />
                      <LifecycleBadge status={d.lifecycleStatus} />
                      {d.ownerDeprovisionedAt && <Badge tone="amber">Owner deprovisioned</Badge>}
                    </div>
                  </Td>
                  <Td className="text-slate-500">{formatRelative(d.lastSeenAt)}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
      <Card className="mt-6 overflow-hidden">
        <CardHeader title="Certificates" description="Certificates issued to this user's devices." />
        {certificates.length === 0 ? (
          <EmptyState title="No certificates" />
        ) : (
          <Table>
            <THead>
              <Th>Serial</Th>
              <Th>Device</Th>
              <Th>Expires</Th>
              <Th>Status</Th>
            </THead>
            <TBody>
              {certificates.map((c) => (
                <tr key={c.id}>
                  <Td className="max-w-[12rem] truncate font-mono text-xs" title={c.serialHex}>{c.serialHex}</Td>
                  <Td>{c.deviceId ? <Link href={`/devices/${c.deviceId}`} className="text-brand-600 hover:text-brand-700">{deviceName.get(c.deviceId) ?? 'Device'}</Link> : '—'}</Td>
                  <Td className="text-slate-500">{formatDateTime(c.notAfter).slice(0, 10)}</Td>
                  <Td>
                    {c.status === 'active' && <Badge tone="green">Active</Badge>}
                    {c.status === 'expired' && <Badge tone="amber">Expired</Badge>}
                    {c.status === 'revoked' && <Badge tone="red">Revoked{c.revocationReason != null ? ` · ${REASONS[c.revocationReason] ?? c.revocationReason}` : ''}</Badge>}
                  </Td>
                </tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
    </>
  );
}
