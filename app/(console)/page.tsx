import Link from 'next/link';
import { ActionBadge } from '@/components/audit/action-label';
import { Card, CardHeader, EmptyState, PageHeader } from '@/components/ui/card';
import { formatRelative } from '@/lib/format';
import { consoleApi } from '@/server/api/caller';

export const metadata = { title: 'Overview' };

function Stat({ label, value, sub }: { label: string; value: number; sub?: string }) {
  return (
    <Card className="px-5 py-4">
      <p className="text-sm font-medium text-slate-500">{label}</p>
      <p className="mt-1 text-3xl font-semibold tracking-tight text-slate-900">{value.toLocaleString('en-US')}</p>
      {sub && <p className="mt-1 text-xs text-slate-500">{sub}</p>}
    </Card>
  );
}

export default async function OverviewPage() {
  const o = await (await consoleApi()).overview.get();
  return (
    <>
      <PageHeader title="Overview" description="Your team at a glance." />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Users" value={o.users.users} sub={`${o.users.active} active`} />
        <Stat label="Owners" value={o.users.owners} />
        <Stat label="Admins" value={o.users.admins} />
        <Stat label="Events in the last 24 h" value={o.eventsLast24h} />
      </div>
      <Card className="mt-6">
        <CardHeader
          title="Recent activity"
          actions={
            <Link href="/audit" className="text-sm font-medium text-brand-600 hover:text-brand-700">
              View audit log →
            </Link>
          }
        />
        {o.recent.length === 0 ? (
          <EmptyState title="No activity yet" />
        ) : (
          <ul className="divide-y divide-slate-100">
            {o.recent.map((e) => (
              <li key={e.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-5 py-3 text-sm">
                <ActionBadge action={e.action} />
                <span className="text-slate-900">{e.targetLabel ?? e.targetType ?? ''}</span>
                <span className="text-slate-500">by {e.actorLabel}</span>
                <span className="ml-auto text-xs text-slate-400">{formatRelative(e.at)}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
