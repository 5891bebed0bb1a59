import Link from 'next/link';
import { ActionBadge } from '@/components/audit/action-label';
import { Button } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { inputClass } from '@/components/ui/field';
import { formatDateTime } from '@/lib/format';
import { consoleApi } from '@/server/api/caller';

export const metadata = { title: 'Audit log' };

type Search = Promise<{ actor?: string; action?: string; cursor?: string }>;

export default async function AuditPage({ searchParams }: { searchParams: Search }) {
  const sp = await searchParams;
  const actor = sp.actor?.slice(0, 200) || undefined;
  const action = sp.action?.slice(0, 200) || undefined;
  const cursor = Number(sp.cursor) > 0 ? Math.floor(Number(sp.cursor)) : undefined;
  const { entries, nextCursor } = await (await consoleApi()).audit.list({ actor, action, cursor, limit: 50 });
  const qs = (c: number) => new URLSearchParams({ ...(actor && { actor }), ...(action && { action }), cursor: String(c) });
  return (
    <>
      <PageHeader title="Audit log" description="Every change made by a person or an integration, newest first." />
      <form className="mb-4 flex flex-wrap items-end gap-3" role="search">
        <div>
          <label htmlFor="actor" className="mb-1 block text-xs font-medium text-slate-600">Actor</label>
          <input id="actor" name="actor" defaultValue={actor} placeholder="e.g. alice@example.com" className={`${inputClass} w-64`} />
        </div>
        <div>
          <label htmlFor="action" className="mb-1 block text-xs font-medium text-slate-600">Action</label>
          <input id="action" name="action" defaultValue={action} placeholder="e.g. user. or team.settings.update" className={`${inputClass} w-64`} />
        </div>
        <Button type="submit" variant="secondary">Filter</Button>
        {(actor || action) && (
          <Link href="/audit" className="py-2 text-sm text-slate-500 hover:text-slate-700">Clear</Link>
        )}
      </form>
      <Card className="overflow-hidden">
        {entries.length === 0 ? (
          <EmptyState title="No entries match">{actor || action ? 'Try a broader filter.' : 'Changes will appear here.'}</EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="px-4 py-2.5">Time</th>
                  <th scope="col" className="px-4 py-2.5">Actor</th>
                  <th scope="col" className="px-4 py-2.5">Action</th>
                  <th scope="col" className="px-4 py-2.5">Target</th>
                  <th scope="col" className="px-4 py-2.5">Details</th>
                  <th scope="col" className="px-4 py-2.5">Source IP</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 bg-white">
                {entries.map((e) => (
                  <tr key={e.id} className="align-top">
                    <td className="whitespace-nowrap px-4 py-2.5 text-slate-500">{formatDateTime(e.at)}</td>
                    <td className="px-4 py-2.5">
                      <span className="text-slate-900">{e.actorLabel}</span>
                      <span className="ml-1 text-xs text-slate-400">({e.actorType})</span>
                    </td>
                    <td className="px-4 py-2.5"><ActionBadge action={e.action} /></td>
                    <td className="px-4 py-2.5 text-slate-700">
                      {e.targetLabel ?? '—'}
                      {e.targetType && <span className="ml-1 text-xs text-slate-400">{e.targetType}</span>}
                    </td>
                    <td className="max-w-md px-4 py-2.5">
                      {e.details ? (
                        <code className="block truncate text-xs text-slate-500" title={JSON.stringify(e.details)}>
                          {JSON.stringify(e.details)}
                        </code>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="whitespace-nowrap px-4 py-2.5 text-xs text-slate-500">{e.ip ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <div className="mt-4 flex justify-between">
        {cursor ? (
          <Link href={`/audit?${new URLSearchParams({ ...(actor && { actor }), ...(action && { action }) })}`} className="text-sm font-medium text-brand-600">
            ← Newest
          </Link>
        ) : (
          <span />
        )}
        {nextCursor && (
          <Link href={`/audit?${qs(nextCursor)}`} className="text-sm font-medium text-brand-600">
            Older entries →
          </Link>
        )}
      </div>
    </>
  );
}
