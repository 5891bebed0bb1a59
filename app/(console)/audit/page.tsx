import Link from 'next/link';
import { ActionBadge } from '@/components/audit/action-label';
import { Button } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, TBody, Td, Th, THead } from '@/components/ui/data-table';
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
          <Table compact>
            <THead>
              <Th>Time</Th>
              <Th>Actor</Th>
              <Th>Action</Th>
              <Th>Target</Th>
              <Th>Details</Th>
              <Th>Source IP</Th>
            </THead>
            <TBody>
              {entries.map((e) => (
                <tr key={e.id} className="align-top">
                  <Td className="whitespace-nowrap text-slate-500">{formatDateTime(e.at)}</Td>
                  <Td>
                    <span className="text-slate-900">{e.actorLabel}</span>
                    <span className="ml-1 text-xs text-slate-400">({e.actorType})</span>
                  </Td>
                  <Td><ActionBadge action={e.action} /></Td>
                  <Td className="text-slate-700">
                    {e.targetLabel ?? '—'}
                    {e.targetType && <span className="ml-1 text-xs text-slate-400">{e.targetType}</span>}
                  </Td>
                  <Td className="max-w-md">
                    {e.details ? (
                      <code className="block truncate text-xs text-slate-500" title={JSON.stringify(e.details)}>
                        {JSON.stringify(e.details)}
                      </code>
                    ) : (
                      '—'
                    )}
                  </Td>
                  <Td className="whitespace-nowrap text-xs text-slate-500">{e.ip ?? '—'}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
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
