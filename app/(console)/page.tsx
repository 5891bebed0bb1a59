import Link from 'next/link';
import { ActionBadge } from '@/components/audit/action-label';
import { ApprovalBadge, AssuranceBadge, sourceLabel } from '@/components/devices/device-badges';
import { BarList } from '@/components/overview/bar-list';
import { Card, CardHeader, EmptyState, PageHeader } from '@/components/ui/card';
import { formatRelative } from '@/lib/format';
import { consoleApi } from '@/server/api/caller';

export const metadata = { title: 'Overview' };

function Stat({ label, value, sub, href }: { label: string; value: number; sub?: string; href?: string }) {
  const body = (
    <Card className="h-full px-5 py-4 transition-shadow hover:shadow-sm">
      <p className="text-sm font-medium text-slate-500">{label}</p>
      <p className="mt-1 text-3xl font-semibold tracking-tight text-slate-900">{value.toLocaleString('en-US')}</p>
      {sub && <p className="mt-1 text-xs text-slate-500">{sub}</p>}
    </Card>
  );
  return href ? <Link href={href}>{body}</Link> : body;
}

export default async function OverviewPage() {
  const caller = await consoleApi();
  const [o, d] = await Promise.all([caller.overview.get(), caller.devices.stats()]);
  const c = d.counts;
  const pct = (n: number) => (c.total ? `${Math.round((n / c.total) * 100)}% of devices` : undefined);
  return (
    <>
      <PageHeader title="Overview" description="Your device inventory and team at a glance." />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Devices" value={c.total} sub={`${c.approved.toLocaleString('en-US')} approved`} href="/devices" />
        <Stat label="Pending approval" value={c.pending} sub={pct(c.pending)} href="/devices?approval=pending" />
        <Stat label="High assurance" value={c.high} sub={pct(c.high)} href="/devices?assurance=high" />
        <Stat label="Users" value={o.users.users} sub={`${o.users.owners} owner${o.users.owners === 1 ? '' : 's'}, ${o.users.admins} admin${o.users.admins === 1 ? '' : 's'}`} href="/users" />
      </div>
      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        <Card>
          <CardHeader title="Approval" />
          <BarList
            items={[
              { label: 'Approved', value: c.approved },
              { label: 'Pending', value: c.pending },
              { label: 'Rejected', value: c.rejected },
            ]}
            tone="bg-emerald-500"
          />
        </Card>
        <Card>
          <CardHeader title="Sources" />
          <BarList items={d.bySource.map((s) => ({ label: sourceLabel(s.kind), value: s.n }))} />
        </Card>
        <Card>
          <CardHeader title="Operating systems" />
          <BarList items={d.byOs.map((s) => ({ label: s.os, value: s.n }))} tone="bg-violet-500" />
        </Card>
      </div>
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader
            title="Recently enrolled"
            actions={<Link href="/devices" className="text-sm font-medium text-brand-600 hover:text-brand-700">All devices →</Link>}
          />
          {d.recent.length === 0 ? (
            <EmptyState title="No devices yet">Add devices from the Devices page or through the API.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {d.recent.map((dev) => (
                <li key={dev.id} className="flex flex-wrap items-center gap-2 px-5 py-3 text-sm">
                  <Link href={`/devices/${dev.id}`} className="font-medium text-slate-900 hover:text-brand-700">
                    {dev.displayName || dev.serial || dev.permanentIdentifier}
                  </Link>
                  <ApprovalBadge status={dev.approvalStatus} />
                  <AssuranceBadge assurance={dev.assurance} />
                  <span className="ml-auto text-xs text-slate-400">{formatRelative(dev.enrolledAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card>
          <CardHeader
            title="Recent activity"
            actions={<Link href="/audit" className="text-sm font-medium text-brand-600 hover:text-brand-700">Audit log →</Link>}
          />
          {o.recent.length === 0 ? (
            <EmptyState title="No activity yet" />
          ) : (
            <ul className="divide-y divide-slate-100">
              {o.recent.map((e) => (
                <li key={e.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-5 py-3 text-sm">
                  <ActionBadge action={e.action} />
                  <span className="max-w-[14rem] truncate text-slate-900">{e.targetLabel ?? e.targetType ?? ''}</span>
                  <span className="text-slate-500">by {e.actorLabel}</span>
                  <span className="ml-auto text-xs text-slate-400">{formatRelative(e.at)}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
