import Link from 'next/link';
import { RevokeButton } from '@/components/pki/revoke-button';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, TBody, Td, Th, THead } from '@/components/ui/data-table';
import { inputClass } from '@/components/ui/field';
import { formatDateTime } from '@/lib/format';
import { consoleApi } from '@/server/api/caller';

export const metadata = { title: 'Certificates' };

const REASONS: Record<number, string> = { 0: 'unspecified', 1: 'key compromise', 2: 'CA compromise', 3: 'affiliation changed', 4: 'superseded', 5: 'cessation of operation', 6: 'certificate hold', 9: 'privilege withdrawn' };

export default async function CertificatesPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const q = sp.q?.slice(0, 200) || undefined;
  const status = (['active', 'revoked', 'expired'] as const).find((s) => s === sp.status);
  const cursor = sp.cursor?.slice(0, 200) || undefined;
  const { certificates, nextCursor } = await (await consoleApi()).pki.certificates({ search: q, status, cursor, limit: 50 });
  const keep = new URLSearchParams(Object.entries({ q, status }).filter(([, v]) => v) as [string, string][]);
  return (
    <>
      <PageHeader
        title="Certificates"
        description="Every certificate Tessera issued to a device, over SCEP or ACME."
        actions={<Link href="/certificates/authorities" className="inline-flex items-center rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50">Authorities</Link>}
      />
      <form className="mb-4 flex flex-wrap items-end gap-3" role="search">
        <div>
          <label htmlFor="q" className="mb-1 block text-xs font-medium text-slate-600">Search</label>
          <input id="q" name="q" defaultValue={q} placeholder="Serial, subject or device" className={`${inputClass} w-72`} />
        </div>
        <div>
          <label htmlFor="status" className="mb-1 block text-xs font-medium text-slate-600">Status</label>
          <select id="status" name="status" defaultValue={status ?? ''} className={`${inputClass} w-40`}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="revoked">Revoked</option>
            <option value="expired">Expired</option>
          </select>
        </div>
        <Button type="submit" variant="secondary">Apply</Button>
      </form>
      <Card className="overflow-hidden">
        {certificates.length === 0 ? (
          <EmptyState title={q || status ? 'No certificates match' : 'No certificates issued yet'}>
            {q || status ? 'Try a broader search.' : 'Connect Fleet under Integrations and deploy the SCEP profile to issue device certificates.'}
          </EmptyState>
        ) : (
          <Table>
            <THead>
              <Th>Serial</Th>
              <Th>Subject</Th>
              <Th>Device</Th>
              <Th>Template</Th>
              <Th>Valid</Th>
              <Th>Status</Th>
              <Th srOnly>Actions</Th>
            </THead>
            <TBody>
              {certificates.map((c) => (
                <tr key={c.id}>
                  <Td className="max-w-[10rem] truncate font-mono text-xs" title={c.serialHex}>{c.serialHex}</Td>
                  <Td className="max-w-xs truncate" title={c.subject}>{c.subject}</Td>
                  <Td>
                    {c.deviceId ? <Link href={`/devices/${c.deviceId}`} className="text-brand-600 hover:text-brand-700">{c.deviceName ?? 'Device'}</Link> : '—'}
                  </Td>
                  <Td className="text-slate-600">{c.template ?? c.issuedVia.toUpperCase()}{c.renewalOf && <span className="ml-1 text-xs text-slate-400">(renewal)</span>}</Td>
                  <Td className="whitespace-nowrap text-xs text-slate-500">{formatDateTime(c.notBefore).slice(0, 10)} → {formatDateTime(c.notAfter).slice(0, 10)}</Td>
                  <Td>
                    {c.status === 'active' && <Badge tone="green">Active</Badge>}
                    {c.status === 'expired' && <Badge tone="amber">Expired</Badge>}
                    {c.status === 'revoked' && <Badge tone="red">Revoked{c.revocationReason != null ? ` · ${REASONS[c.revocationReason] ?? c.revocationReason}` : ''}</Badge>}
                  </Td>
                  <Td className="text-right">{c.status === 'active' && <RevokeButton serialHex={c.serialHex} subject={c.subject} />}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
      <div className="mt-4 flex justify-between">
        {cursor ? <Link href={`/certificates?${keep}`} className="text-sm font-medium text-brand-600">← First page</Link> : <span />}
        {nextCursor && <Link href={`/certificates?${new URLSearchParams([...keep, ['cursor', nextCursor]])}`} className="text-sm font-medium text-brand-600">Next page →</Link>}
      </div>
    </>
  );
}
