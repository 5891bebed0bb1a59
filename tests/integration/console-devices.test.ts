import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, devices } from '@/server/db/schema';
import { importDevicesCsv } from '@/server/services/devices/import-devices-csv';
import { setDeviceApproval } from '@/server/services/devices/set-device-approval';
import { tagDevices } from '@/server/services/devices/tag-devices';
import { getDeviceDetail } from '@/server/services/devices/get-device-detail';
import { deviceStats } from '@/server/services/devices/device-stats';
import { recordDeviceSource } from '@/server/services/devices/record-device-source';
import { listDevices } from '@/server/services/devices/list-devices';
import { handleDevicesExport } from '@/server/http/devices-export';
import { parseCsv, csvField } from '@/lib/csv';
import { installTestDb, type TestDb } from '../helpers/db';
import { seedTeam, sessionCookie } from '../helpers/fixtures';

let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
beforeAll(async () => {
  t = await installTestDb();
  seed = await seedTeam(t.db);
});
afterAll(() => t.destroy());

describe('CSV import', () => {
  const csv = [
    'permanentIdentifier,Display Name,os,Owner Email,tags',
    'C02AAA0001,Ann Mac,macos,ann@acme.test,exec;design',
    'C02AAA0002,,BeOS,,',
    ',No identifier,Linux,,',
    'C02AAA0001,Duplicate,macOS,,',
    '"urn:ek:sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","Quoted, with comma",Windows,bob@acme.test,',
  ].join('\r\n');

  it('previews every row with its errors and writes nothing', async () => {
    const r = await importDevicesCsv(t.db, seed.ownerActor, { csv });
    expect(r.valid).toBe(2);
    expect(r.invalid).toBe(3);
    expect(r.rows.find((x) => x.line === 3)?.errors.join()).toMatch(/os must be one of/);
    expect(r.rows.find((x) => x.line === 4)?.errors.join()).toMatch(/permanentIdentifier/);
    expect(r.rows.find((x) => x.line === 5)?.errors.join()).toMatch(/more than once/);
    expect(await t.db.select().from(devices)).toHaveLength(0);
  });

  it('imports the valid rows as approved devices and reports the rest', async () => {
    const r = await importDevicesCsv(t.db, seed.ownerActor, { csv, commit: true });
    expect(r.created).toBe(2);
    const rows = await t.db.select().from(devices);
    expect(rows.map((d) => d.displayName).sort()).toEqual(['Ann Mac', 'Quoted, with comma']);
    const ann = rows.find((d) => d.displayName === 'Ann Mac')!;
    expect(ann).toMatchObject({ os: 'macOS', ownerEmail: 'ann@acme.test', tags: ['exec', 'design'], approvalStatus: 'approved', sourceKinds: ['manual'] });
    // Importing the same file again conflicts per row instead of duplicating.
    const again = await importDevicesCsv(t.db, seed.ownerActor, { csv, commit: true });
    expect(again.created).toBe(0);
    expect(again.rows.filter((x) => x.status === 'failed')).toHaveLength(2);
    expect(await t.db.select().from(devices)).toHaveLength(2);
  });

  it('refuses files without a header naming an identifier column', async () => {
    await expect(importDevicesCsv(t.db, seed.ownerActor, { csv: 'name,os\nx,Linux' })).rejects.toThrow(/first row must name the columns/);
    await expect(importDevicesCsv(t.db, seed.ownerActor, { csv: '' })).rejects.toThrow(/empty/);
  });
});

describe('bulk actions and detail', () => {
  it('approves, rejects and tags many devices with one audit entry each', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await recordDeviceSource(t.db, { type: 'mdm', label: 'mdm:fleet' }, {
        kind: 'fleet', source: 'mdm:f', externalId: String(i), facts: { serial: `BULK000${i}` }, authoritative: false,
      });
      ids.push(r.device.id);
    }
    const res = await setDeviceApproval(t.db, seed.ownerActor, { deviceIds: ids, decision: 'approved' });
    expect(res).toEqual({ changed: 5, unchanged: 0 });
    expect((await setDeviceApproval(t.db, seed.ownerActor, { deviceIds: ids.slice(0, 2), decision: 'approved' })).unchanged).toBe(2);
    await setDeviceApproval(t.db, seed.ownerActor, { deviceIds: [ids[0]], decision: 'rejected' });
    await tagDevices(t.db, seed.ownerActor, { deviceIds: ids, add: ['lab', 'lab'] });
    await tagDevices(t.db, seed.ownerActor, { deviceIds: [ids[1]], remove: ['lab'], add: ['spare'] });
    const page = await listDevices(t.db, { tags: ['lab'], first: 100 });
    expect(page.devices).toHaveLength(4);
    const detail = await getDeviceDetail(t.db, ids[0]);
    expect(detail.device).toMatchObject({ approvalStatus: 'rejected', tags: ['lab'] });
    expect(detail.sources).toHaveLength(1);
    expect(detail.history.map((h) => h.action)).toEqual(['device.tag', 'device.reject', 'device.approve', 'device.create']);
    const approvals = await t.db.select().from(auditLog).where(eq(auditLog.action, 'device.approve'));
    expect(approvals).toHaveLength(5);
    const stats = await deviceStats(t.db);
    expect(stats.counts.total).toBe(7);
    expect(stats.bySource.find((s) => s.kind === 'fleet')?.n).toBe(5);
  });
});

describe('CSV export', () => {
  it('streams the filtered devices as CSV to admins, with formula injection defused', async () => {
    await recordDeviceSource(t.db, { type: 'mdm', label: 'mdm' }, {
      kind: 'jamf', source: 'mdm:j', externalId: 'evil', facts: { serial: 'EVIL0001', displayName: '=HYPERLINK("http://x")' }, authoritative: false,
    });
    const res = await handleDevicesExport(new Request('http://t.test/api/devices/export?source=jamf', { headers: { cookie: await sessionCookie(seed.admin) } }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = parseCsv(await res.text());
    expect(rows[0].slice(0, 4)).toEqual(['id', 'permanentIdentifier', 'serial', 'displayName']);
    expect(rows).toHaveLength(2);
    expect(rows[1][3]).toBe(`'=HYPERLINK("http://x")`);
    const all = parseCsv(await (await handleDevicesExport(new Request('http://t.test/api/devices/export', { headers: { cookie: await sessionCookie(seed.owner) } }))).text());
    expect(all).toHaveLength(1 + 8);
  });

  it('quotes fields per RFC 4180', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(parseCsv('a,"b\n""c""",d\n')).toEqual([['a', 'b\n"c"', 'd']]);
  });
});
