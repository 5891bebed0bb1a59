// MDM sync against faithful fakes of Fleet and Jamf Pro (real HTTP servers).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { auditLog, deviceSources, devices, integrations, mdmSyncRuns } from '@/server/db/schema';
import { syncIntegration, syncDueIntegrations } from '@/server/jobs/mdm-sync';
import { createFleetIntegration } from '@/server/services/integrations/create-fleet-integration';
import { createJamfIntegration } from '@/server/services/integrations/create-jamf-integration';
import { updateTeamSettings } from '@/server/services/team/update-team-settings';
import { startFakeFleet, type FakeFleet } from '../fakes/fake-fleet';
import { startFakeJamf, type FakeJamf } from '../fakes/fake-jamf';
import { createTestDb, type TestDb } from '../helpers/db';
import { seedTeam } from '../helpers/fixtures';

let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
let fleet: FakeFleet;
const noWait = { sleep: async () => {} };

beforeAll(async () => {
  t = await createTestDb();
  seed = await seedTeam(t.db);
});
afterAll(() => t.destroy());

async function connectFleet(f: FakeFleet, name: string) {
  const { integration } = await createFleetIntegration(t.db, seed.ownerActor, { name, url: f.url, apiToken: f.token });
  return integration;
}
const sourceOf = (id: string) => `mdm:${id}`;

describe('Fleet sync', () => {
  let integrationId: string;
  beforeAll(async () => {
    fleet = await startFakeFleet({ hostCount: 1234 });
    integrationId = (await connectFleet(fleet, 'Fleet main')).id;
  });
  afterAll(() => fleet.close());

  it('first sync brings every host in, pending approval, low assurance, owners from device mapping', async () => {
    const r = await syncIntegration(t.db, integrationId, { trigger: 'manual', http: noWait });
    expect(r.status).toBe('succeeded');
    expect(r.run).toMatchObject({ fetched: 1234, added: 1234, updated: 0, unchanged: 0, removed: 0, pages: 3 });
    const rows = await t.db.select().from(devices);
    expect(rows).toHaveLength(1234);
    expect(rows.every((d) => d.approvalStatus === 'pending' && d.assurance === 'low' && d.sourceKinds[0] === 'fleet')).toBe(true);
    const host = fleet.hosts.get(2)!;
    const [d] = await t.db.select().from(devices).where(eq(devices.serial, host.hardware_serial));
    expect(d).toMatchObject({ hardwareUuid: host.uuid, ownerEmail: 'user2@example.com' });
    // Paging exactly as Fleet documents it.
    const list = fleet.requests.filter((q) => q.path === '/api/v1/fleet/hosts');
    expect(Object.fromEntries(list[0].query)).toMatchObject({ page: '0', per_page: '500', order_key: 'id', order_direction: 'asc', device_mapping: 'true' });
  });

  it('a re-sync with no change writes nothing but the seen marks', async () => {
    const before = (await t.db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0].n;
    const r = await syncIntegration(t.db, integrationId, { trigger: 'manual', http: noWait });
    expect(r.run).toMatchObject({ fetched: 1234, added: 0, updated: 0, unchanged: 1234, removed: 0 });
    const after = (await t.db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0].n;
    expect(after - before).toBe(1); // the run's own summary entry
  });

  it('picks up renamed, reassigned and removed hosts; removed ones are flagged, not deleted', async () => {
    fleet.hosts.rename(5, 'Renamed Mac');
    fleet.hosts.reassign(6, 'new.owner@example.com');
    const gone = fleet.hosts.get(7)!;
    fleet.hosts.remove(7);
    fleet.hosts.add({ hardware_serial: 'C02NEWHOST01', uuid: 'NEW-HOST-UUID-0001', computer_name: 'Fresh Mac', platform: 'darwin' });
    const r = await syncIntegration(t.db, integrationId, { trigger: 'manual', http: noWait });
    expect(r.run).toMatchObject({ added: 1, updated: 2, removed: 1 });
    const [renamed] = await t.db.select().from(devices).where(eq(devices.serial, fleet.hosts.get(5)!.hardware_serial));
    expect(renamed.displayName).toBe('Renamed Mac');
    const [reassigned] = await t.db.select().from(devices).where(eq(devices.serial, fleet.hosts.get(6)!.hardware_serial));
    expect(reassigned.ownerEmail).toBe('new.owner@example.com');
    const [removed] = await t.db.select({ d: devices, s: deviceSources }).from(devices).innerJoin(deviceSources, eq(deviceSources.deviceId, devices.id)).where(eq(devices.serial, gone.hardware_serial));
    expect(removed.s.removedAt).not.toBeNull();
  });

  it('keeps values an admin set over what Fleet reports', async () => {
    const host = fleet.hosts.get(8)!;
    const [d] = await t.db.select().from(devices).where(eq(devices.serial, host.hardware_serial));
    const { updateDevice } = await import('@/server/services/devices/update-device');
    await updateDevice(t.db, seed.ownerActor, d.id, { displayName: 'Named by admin' });
    fleet.hosts.rename(8, 'Fleet name');
    await syncIntegration(t.db, integrationId, { trigger: 'manual', http: noWait });
    const [after] = await t.db.select().from(devices).where(eq(devices.id, d.id));
    expect(after.displayName).toBe('Named by admin');
  });

  it('skips a second run while one holds the lease', async () => {
    let second: Awaited<ReturnType<typeof syncIntegration>> | undefined;
    const first = await syncIntegration(t.db, integrationId, {
      trigger: 'manual',
      http: noWait,
      afterPage: async () => {
        second ??= await syncIntegration(t.db, integrationId, { trigger: 'manual', http: noWait });
      },
    });
    expect(first.status).toBe('succeeded');
    expect(second?.status).toBe('busy');
  });

  it('does not flag a live host as removed when a deletion mid-run shifts the offset pages', async () => {
    const f = await startFakeFleet({ hostCount: 1100 });
    try {
      const id = (await connectFleet(f, 'Fleet shifting')).id;
      expect((await syncIntegration(t.db, id, { trigger: 'manual', http: noWait })).status).toBe('succeeded');
      const [first, second] = f.hosts.ids();
      const straddling = f.hosts.ids()[500]; // first on page 1; moves onto page 0 when a host before it goes
      let deleted = false;
      const r = await syncIntegration(t.db, id, {
        trigger: 'manual',
        http: noWait,
        afterPage: async () => {
          if (!deleted) deleted = f.hosts.remove(first);
        },
      });
      expect(r.status).toBe('succeeded');
      expect(r.run?.removed).toBe(0); // the deleted host was seen on page 0, before it went
      expect(f.requests.some((q) => q.path === `/api/v1/fleet/hosts/${straddling}`)).toBe(true);
      const live = await t.db.select().from(deviceSources).where(and(eq(deviceSources.source, sourceOf(id)), eq(deviceSources.externalId, String(straddling))));
      expect(live[0].removedAt).toBeNull();
      // The next run flags exactly the host that really went, after asking Fleet about it.
      const next = await syncIntegration(t.db, id, { trigger: 'manual', http: noWait });
      expect(next.run?.removed).toBe(1);
      const flagged = await t.db.select().from(deviceSources).where(and(eq(deviceSources.source, sourceOf(id)), isNotNull(deviceSources.removedAt)));
      expect(flagged.map((s) => s.externalId)).toEqual([String(first)]);
      expect(f.hosts.get(second)).toBeDefined();
    } finally {
      await f.close();
    }
  });
});

describe('failures', () => {
  let f: FakeFleet;
  let id: string;
  beforeEach(async () => {
    f = await startFakeFleet({ hostCount: 1100 });
    id = (await connectFleet(f, `Fleet ${Math.random()}`)).id;
  });
  afterAll(() => f?.close());

  it('a bad token fails the run with a clear status and no retry storm', async () => {
    f.revokeToken();
    const r = await syncIntegration(t.db, id, { trigger: 'manual', http: noWait });
    expect(r.status).toBe('failed');
    expect(r.run).toMatchObject({ errorKind: 'unauthorized' });
    expect(r.run!.error).toMatch(/401/);
    expect(f.requests.filter((q) => q.path === '/api/v1/fleet/hosts')).toHaveLength(1);
    await f.close();
  });

  it('waits as Retry-After says on 429, and survives a 5xx mid-run', async () => {
    const waits: number[] = [];
    f.setFault({ fault: { type: 'rate_limit', retryAfter: '3' }, path: '/api/v1/fleet/hosts', nth: 2 });
    f.addFault({ fault: { type: 'status', status: 503 }, path: '/api/v1/fleet/hosts', nth: 3 });
    const r = await syncIntegration(t.db, id, { trigger: 'manual', http: { sleep: async (ms: number) => void waits.push(ms) } });
    expect(r.status).toBe('succeeded');
    // These generated hosts share serials with the first connection's: they merge (one device per machine).
    expect(r.run).toMatchObject({ fetched: 1100 });
    expect(r.run!.added + r.run!.updated + r.run!.unchanged).toBe(1100);
    expect(waits).toContain(3000);
    await f.close();
  });

  it('a malformed page fails the run cleanly; the pages before it stay applied and the next run completes', async () => {
    f.setFault({ fault: { type: 'bad_shape' }, path: '/api/v1/fleet/hosts', nth: 2 });
    const r = await syncIntegration(t.db, id, { trigger: 'manual', http: noWait });
    expect(r.status).toBe('failed');
    expect(r.run).toMatchObject({ errorKind: 'bad_response', fetched: 500 });
    const partial = await t.db.select({ n: sql<number>`count(*)::int` }).from(deviceSources).where(eq(deviceSources.source, sourceOf(id)));
    expect(partial[0].n).toBe(500);
    const again = await syncIntegration(t.db, id, { trigger: 'manual', http: noWait });
    expect(again.status).toBe('succeeded');
    expect(again.run).toMatchObject({ fetched: 1100, removed: 0 });
    await f.close();
  });

  it('a run cut short (crash or time limit) is resumed from its checkpoint by the next call', async () => {
    const paused = await syncIntegration(t.db, id, { trigger: 'schedule', http: noWait, timeBudgetMs: 1 });
    expect(paused.status).toBe('paused');
    expect(paused.run).toMatchObject({ status: 'running', nextPage: 1, fetched: 500 });
    // A crashed holder leaves a running run and a lease that runs out.
    await t.db.update(integrations).set({ leaseOwner: 'dead-instance', leaseUntil: new Date(Date.now() - 1000) }).where(eq(integrations.id, id));
    const requestsBefore = f.requests.length;
    const results = await syncDueIntegrations(t.db);
    expect(results.find((x) => x.status === 'succeeded')).toBeDefined();
    const [run] = await t.db.select().from(mdmSyncRuns).where(eq(mdmSyncRuns.id, paused.run!.id));
    expect(run).toMatchObject({ status: 'succeeded', fetched: 1100, removed: 0 });
    expect(await t.db.select({ n: sql<number>`count(*)::int` }).from(deviceSources).where(eq(deviceSources.source, sourceOf(id)))).toEqual([{ n: 1100 }]);
    // It continued at page 1 instead of starting over.
    const pages = f.requests.slice(requestsBefore).filter((q) => q.path === '/api/v1/fleet/hosts').map((q) => q.query.get('page'));
    expect(pages[0]).toBe('1');
    await f.close();
  });
});

describe('Jamf Pro and Fleet together', () => {
  let jamf: FakeJamf;
  let f: FakeFleet;
  afterAll(async () => {
    await jamf?.close();
    await f?.close();
  });

  it('a device in both Fleet and Jamf is one device with two sources; MDM approval policy applies', async () => {
    const fresh = await createTestDb();
    const saved = t;
    t = fresh;
    try {
      const s = await seedTeam(fresh.db);
      seed = s;
      await updateTeamSettings(fresh.db, s.ownerActor, { requireApprovalMdm: false });
      f = await startFakeFleet({ hosts: [{ hardware_serial: 'C02BOTH00001', uuid: 'BOTH-UUID-1', computer_name: 'Shared Mac', platform: 'darwin' }] });
      jamf = await startFakeJamf({ computers: [{ hardware: { serialNumber: 'C02BOTH00001' }, general: { name: 'Shared Mac (Jamf)' } } as never], mobileDeviceCount: 3 });
      const fl = await connectFleet(f, 'Fleet');
      const jm = await createJamfIntegration(fresh.db, s.ownerActor, { authMethod: 'client_credentials', name: 'Jamf', url: jamf.url, clientId: jamf.clientId, clientSecret: jamf.clientSecret });
      expect((await syncIntegration(fresh.db, fl.id, { trigger: 'manual', http: noWait })).status).toBe('succeeded');
      const jr = await syncIntegration(fresh.db, jm.id, { trigger: 'manual', http: noWait });
      expect(jr.status, jr.run?.error ?? '').toBe('succeeded');
      const both = await fresh.db.select().from(devices).where(eq(devices.serial, 'C02BOTH00001'));
      expect(both).toHaveLength(1);
      expect(both[0].sourceKinds.sort()).toEqual(['fleet', 'jamf']);
      expect(both[0].approvalStatus).toBe('approved'); // the team turned MDM approval off
      const sources = await fresh.db.select().from(deviceSources).where(eq(deviceSources.deviceId, both[0].id));
      expect(sources).toHaveLength(2);
      expect(await fresh.db.select().from(devices)).toHaveLength(1 + 3);
      const bad = await createJamfIntegration(fresh.db, s.ownerActor, { authMethod: 'client_credentials', name: 'Jamf bad', url: jamf.url, clientId: jamf.clientId, clientSecret: 'wrong' });
      const failed = await syncIntegration(fresh.db, bad.id, { trigger: 'manual', http: noWait });
      expect(failed.status).toBe('failed');
      expect(failed.run?.errorKind).toBe('unauthorized');
      const entries = await fresh.db.select().from(auditLog).where(and(eq(auditLog.action, 'mdm.sync.failed'), isNotNull(auditLog.targetId)));
      expect(entries).toHaveLength(1);
    } finally {
      t = saved;
      await fresh.destroy();
    }
  });
});

describe('managing a connection', () => {
  it('tests, edits and disconnects, keeping or removing the devices that came only from it', async () => {
    const fresh = await createTestDb();
    try {
      const s = await seedTeam(fresh.db);
      const f = await startFakeFleet({ hostCount: 20 });
      const { testIntegration, updateIntegration, disconnectIntegration, syncStatus } = await import('@/server/services/integrations/manage-integration');
      const { recordDeviceSource } = await import('@/server/services/devices/record-device-source');
      const a = (await createFleetIntegration(fresh.db, s.ownerActor, { name: 'A', url: f.url, apiToken: f.token })).integration;
      const b = (await createFleetIntegration(fresh.db, s.ownerActor, { name: 'B', url: f.url, apiToken: 'wrong' })).integration;
      expect(await testIntegration(fresh.db, a.id)).toMatchObject({ ok: true, deviceCount: 20 });
      expect(await testIntegration(fresh.db, b.id)).toMatchObject({ ok: false, kind: 'unauthorized' });
      await updateIntegration(fresh.db, s.ownerActor, { id: a.id, name: 'A renamed', syncIntervalMinutes: 60, syncEnabled: false });
      expect((await syncStatus(fresh.db, a.id)).integration).toMatchObject({ name: 'A renamed', syncIntervalMinutes: 60, syncEnabled: false });
      await syncIntegration(fresh.db, a.id, { trigger: 'manual', http: noWait });
      // One of its devices is also known from the API: it must survive "remove devices".
      const host = f.hosts.get(3)!;
      await recordDeviceSource(fresh.db, s.ownerActor, { kind: 'api', source: 'api', externalId: host.hardware_serial, facts: { serial: host.hardware_serial }, authoritative: true });
      const r = await disconnectIntegration(fresh.db, s.ownerActor, { id: a.id, removeDevices: true });
      expect(r).toEqual({ removedDevices: 19, detachedRecords: 20 });
      const left = await fresh.db.select().from(devices);
      expect(left).toHaveLength(1);
      expect(left[0].sourceKinds).toEqual(['api']);
      expect(await fresh.db.select().from(integrations).where(eq(integrations.id, a.id))).toHaveLength(0);
      // Keeping devices only detaches the source.
      const c = (await createFleetIntegration(fresh.db, s.ownerActor, { name: 'C', url: f.url, apiToken: f.token })).integration;
      await syncIntegration(fresh.db, c.id, { trigger: 'manual', http: noWait });
      const kept = await disconnectIntegration(fresh.db, s.ownerActor, { id: c.id, removeDevices: false });
      expect(kept.removedDevices).toBe(0);
      expect(await fresh.db.select().from(devices)).toHaveLength(20);
      await f.close();
    } finally {
      await fresh.destroy();
    }
  });
});
