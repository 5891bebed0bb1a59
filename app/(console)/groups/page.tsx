import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, TBody, Td, Th, THead } from '@/components/ui/data-table';
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
          <Table>
            <THead>
              <Th>Group</Th>
              <Th className="text-right">Members</Th>
              <Th>External id</Th>
              <Th>Updated</Th>
            </THead>
            <TBody>
              {groups.map((g) => (
                <tr key={g.id}>
                  <Td className="font-medium text-slate-900">{g.displayName}</Td>
                  <Td className="text-right tabular-nums text-slate-700">{g.memberCount.toLocaleString('en')}</Td>
                  <Td className="max-w-[16rem] truncate font-mono text-xs text-slate-500" title={g.externalId ?? undefined}>{g.externalId ?? '—'}</Td>
                  <Td className="text-slate-500">{formatRelative(g.updatedAt)}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
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
