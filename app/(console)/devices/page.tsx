import Link from 'next/link';
import { AddDeviceDialog } from '@/components/devices/add-device-dialog';
import { DeviceTable } from '@/components/devices/device-table';
import { Button } from '@/components/ui/button';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { inputClass } from '@/components/ui/field';
import { consoleApi } from '@/server/api/caller';
import { CONSOLE_OS, CONSOLE_SOURCES, deviceQueryFromParams } from '@/server/services/devices/device-query';

export const metadata = { title: 'Devices' };

type Search = Record<string, string | undefined>;

const OS = CONSOLE_OS;
const SOURCES = CONSOLE_SOURCES;
const sourceNames: Record<string, string> = { api: 'API', manual: 'Console', idp: 'SSO', agent: 'Agent', fleet: 'Fleet', jamf: 'Jamf Pro' };

function Select({ name, label, value, options }: { name: string; label: string; value?: string; options: [string, string][] }) {
  return (
    <div>
      <label htmlFor={`f-${name}`} className="mb-1 block text-xs font-medium text-slate-600">{label}</label>
      <select id={`f-${name}`} name={name} defaultValue={value ?? ''} className={`${inputClass} w-40`}>
        <option value="">Any</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>{l}</option>
        ))}
      </select>
    </div>
  );
}

export default async function DevicesPage({ searchParams }: { searchParams: Promise<Search> }) {
  const sp = await searchParams;
  const query = deviceQueryFromParams(sp);
  const cursor = sp.cursor?.slice(0, 1000) || undefined;
  const caller = await consoleApi();
  const [page, total] = await Promise.all([caller.devices.list({ ...query, first: 50, after: cursor }), caller.devices.count(query)]);
  const filtered = Object.entries(sp).some(([k, v]) => v && !['cursor', 'sort', 'dir'].includes(k));
  const keep = new URLSearchParams(Object.entries(sp).filter(([k, v]) => v && k !== 'cursor') as [string, string][]);
  const next = page.nextCursor ? `/devices?${new URLSearchParams([...keep, ['cursor', page.nextCursor]])}` : null;
  return (
    <>
      <PageHeader
        title="Devices"
        description="Your device inventory: every source merged into one record per machine."
        actions={
          <div className="flex gap-2">
            <Link href={`/api/devices/export?${keep}`} className="inline-flex items-center rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50" prefetch={false}>
              Export CSV
            </Link>
            <Link href="/devices/import" className="inline-flex items-center rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
              Import CSV
            </Link>
            <AddDeviceDialog />
          </div>
        }
      />
      <form className="mb-4 flex flex-wrap items-end gap-3" role="search">
        <div>
          <label htmlFor="f-q" className="mb-1 block text-xs font-medium text-slate-600">Search</label>
          <input id="f-q" name="q" defaultValue={sp.q} placeholder="Name, serial, owner or identifier" className={`${inputClass} w-72`} />
        </div>
        <Select name="approval" label="Approval" value={sp.approval} options={[['pending', 'Pending'], ['approved', 'Approved'], ['rejected', 'Rejected']]} />
        <Select name="assurance" label="Assurance" value={sp.assurance} options={[['high', 'High'], ['low', 'Low']]} />
        <Select name="source" label="Source" value={sp.source} options={SOURCES.map((s) => [s, sourceNames[s]])} />
        <Select name="os" label="OS" value={sp.os} options={OS.map((o) => [o, o])} />
        <div>
          <label htmlFor="f-tag" className="mb-1 block text-xs font-medium text-slate-600">Tag</label>
          <input id="f-tag" name="tag" defaultValue={sp.tag} className={`${inputClass} w-32`} />
        </div>
        <Select name="sort" label="Sort by" value={sp.sort} options={[['enrolledAt', 'Enrolled'], ['lastSeen', 'Last seen'], ['displayName', 'Name'], ['source', 'Source']]} />
        <Select name="dir" label="Order" value={sp.dir} options={[['desc', 'Descending'], ['asc', 'Ascending']]} />
        <Button type="submit" variant="secondary">Apply</Button>
        {filtered && <Link href="/devices" className="py-2 text-sm text-slate-500 hover:text-slate-700">Clear</Link>}
      </form>
      <p className="mb-2 text-sm text-slate-500" aria-live="polite">
        {total.toLocaleString('en-US')} device{total === 1 ? '' : 's'}{filtered ? ' match' : ''}
      </p>
      <Card className="overflow-hidden">
        {page.devices.length === 0 ? (
          <EmptyState title={filtered ? 'No devices match these filters' : 'No devices yet'}>
            {filtered ? 'Try fewer filters.' : 'Add one here, import a CSV, add them through the API, or connect an MDM.'}
          </EmptyState>
        ) : (
          <DeviceTable
            rows={page.devices.map((d) => ({
              id: d.id,
              displayName: d.displayName,
              serial: d.serial,
              permanentIdentifier: d.permanentIdentifier,
              os: d.os,
              osVersion: d.osVersion,
              ownerEmail: d.ownerEmail,
              approvalStatus: d.approvalStatus,
              assurance: d.assurance,
              lifecycleStatus: d.lifecycleStatus,
              sourceKinds: d.sourceKinds,
              tags: d.tags,
              enrolledAt: d.enrolledAt.toISOString(),
              lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
            }))}
          />
        )}
      </Card>
      <div className="mt-4 flex justify-between">
        {cursor ? <Link href={`/devices?${keep}`} className="text-sm font-medium text-brand-600">← First page</Link> : <span />}
        {next && <Link href={next} className="text-sm font-medium text-brand-600">Next page →</Link>}
      </div>
    </>
  );
}
