import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { inputClass } from '@/components/ui/field';
import { formatRelative } from '@/lib/format';
import { consoleApi } from '@/server/api/caller';

export const metadata = { title: 'Groups' };

export default async function GroupsPage({ searchParams }: { searchParams: Promise<{ q?: string; cursor?: string }> }) {
  const sp = await searchParams;
  const q = sp.q?.slice(0, 200) || undefined;
  const cursor = sp.cursor?.slice(0, 800) || undefined;
  const { groups, nextCursor } = await (await consoleApi()).groups.list({ search: q, cursor, limit: 50 });
  return (
    <>
      <PageHeader
        title="Groups"
        description={
          <>
            Groups your identity provider provisions over SCIM, with their members.{' '}
            <Link href="/integrations/identity" className="font-medium text-brand-600 hover:text-brand-700">Set up provisioning →</Link>
          </>
        }
      />
      <form className="mb-4 flex gap-2" role="search">
        <label htmlFor="q" className="sr-only">Search groups</label>
        <input id="q" name="q" defaultValue={q} placeholder="Search by name" className={`${inputClass} max-w-sm`} />
        <Button type="submit" variant="secondary">Search</Button>
      </form>
      <Card className="overflow-hidden">
        {groups.length === 0 ? (
          <EmptyState title={q ? 'No groups match your search' : 'No groups yet'}>
            {q ? 'Try another name.' : 'Groups appear here once your identity provider pushes them.'}
          </EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="px-4 py-2.5">Group</th>
                  <th scope="col" className="px-4 py-2.5 text-right">Members</th>
                  <th scope="col" className="px-4 py-2.5">External id</th>
                  <th scope="col" className="px-4 py-2.5">Updated</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 bg-white">
                {groups.map((g) => (
                  <tr key={g.id}>
                    <td className="px-4 py-3 font-medium text-slate-900">{g.displayName}</td>
                    <td className="px-4 py-3 text-right tabular-nums text-slate-700">{g.memberCount.toLocaleString('en')}</td>
                    <td className="max-w-[16rem] truncate px-4 py-3 font-mono text-xs text-slate-500" title={g.externalId ?? undefined}>{g.externalId ?? '—'}</td>
                    <td className="px-4 py-3 text-slate-500">{formatRelative(g.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <div className="mt-4 flex justify-between">
        {cursor ? <Link href={`/groups${q ? `?q=${encodeURIComponent(q)}` : ''}`} className="text-sm font-medium text-brand-600">← First page</Link> : <span />}
        {nextCursor && (
          <Link href={`/groups?${new URLSearchParams({ ...(q && { q }), cursor: nextCursor })}`} className="text-sm font-medium text-brand-600">
            Next page →
          </Link>
        )}
      </div>
    </>
  );
}
