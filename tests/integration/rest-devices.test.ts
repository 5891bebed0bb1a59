import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { auditLog, deviceSources, devices, teams } from '@/server/db/schema';
import { createApiToken } from '@/server/services/api-tokens/create-api-token';
import { revokeApiToken } from '@/server/services/api-tokens/revoke-api-token';
import { recordDeviceSource } from '@/server/services/devices/record-device-source';
import { updateTeamSettings } from '@/server/services/team/update-team-settings';
import { installTestDb, type TestDb } from '../helpers/db';
import { seedTeam } from '../helpers/fixtures';
import { apiClient, ekUri } from '../helpers/rest';

let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
let api: ReturnType<typeof apiClient>;
let token: string;

beforeAll(async () => {
  t = await installTestDb();
  seed = await seedTeam(t.db);
  token = (await createApiToken(t.db, seed.ownerActor, { name: 'tests' })).token;
  api = apiClient(token);
});
afterAll(() => t.destroy());

const mdmActor = { type: 'mdm' as const, label: 'mdm:fleet-1' };

describe('authentication and versioning', () => {
  it('refuses a missing, wrong, revoked or expired token with 401 and the error shape', async () => {
    for (const tok of [null, 'tsr_nope', 'x'.repeat(500)]) {
      const r = await api.get('/devices', { token: tok });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ message: expect.any(String) });
      expect(r.headers.get('x-smallstep-api-version')).toBe('2025-01-01');
    }
    const revoked = await createApiToken(t.db, seed.ownerActor, { name: 'old' });
    await revokeApiToken(t.db, seed.ownerActor, revoked.id);
    expect((await api.get('/devices', { token: revoked.token })).body.message).toMatch(/revoked/);
    const expiring = await createApiToken(t.db, seed.ownerActor, { name: 'short', expiresInDays: 1 });
    const { apiTokens } = await import('@/server/db/schema');
    await t.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.id, expiring.id));
    expect((await api.get('/devices', { token: expiring.token })).body.message).toMatch(/expired/);
  });

  it('requires the API version in a header or the Accept media type, and echoes the request id', async () => {
    expect((await api.get('/devices', { version: null })).status).toBe(400);
    expect((await api.get('/devices', { version: '2024-01-01' })).body.message).toMatch(/not supported/);
    const viaAccept = await api.get('/devices', {
      version: null,
      headers: { accept: 'application/vnd.smallstep.v2025-01-01+json', 'x-request-id': 'abc-123' },
    });
    expect(viaAccept.status).toBe(200);
    expect(viaAccept.headers.get('x-request-id')).toBe('abc-123');
  });
});

describe('POST /devices', () => {
  it('adds an approved device with the contract fields', async () => {
    const r = await api.post('/devices', {
      permanentIdentifier: ekUri(1),
      serial: '7GX359OOP',
      displayName: 'Sheldon Laptop',
      displayId: '681',
      os: 'Linux',
      ownership: 'user',
      tags: ['ubuntu24', 'ubuntu24'],
      metadata: { department: 'engineering' },
      user: { email: 'Sheldon@Example.com' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      permanentIdentifier: ekUri(1),
      serial: '7GX359OOP',
      displayName: 'Sheldon Laptop',
      os: 'Linux',
      ownership: 'user',
      tags: ['ubuntu24'],
      metadata: { department: 'engineering' },
      user: { email: 'sheldon@example.com' },
      highAssurance: false,
      connected: false,
      lifecycleStatus: 'active',
      approvedAt: expect.any(String),
      enrolledAt: expect.any(String),
    });
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.targetId, r.body.id));
    expect(audit).toMatchObject({ action: 'device.create', actorType: 'api_token', actorLabel: 'api-token:tests' });
  });

  it('answers a second add of the same identifier with 409 and changes nothing', async () => {
    const before = await t.db.select({ n: count() }).from(devices);
    const r = await api.post('/devices', { permanentIdentifier: ekUri(1), displayName: 'Other' });
    expect(r.status).toBe(409);
    expect(r.body.message).toMatch(/already exists/);
    expect(await t.db.select({ n: count() }).from(devices)).toEqual(before);
  });

  it('ends with one device when two clients add the same identifier at once', async () => {
    const pid = ekUri(77);
    const results = await Promise.all([1, 2, 3, 4].map((i) => api.post('/devices', { permanentIdentifier: pid, displayName: `race ${i}` })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    const rows = await t.db.select().from(devices).where(eq(devices.permanentIdentifier, pid));
    expect(rows).toHaveLength(1);
  });

  it('merges into a device an MDM synced, keeping both sources, and approves it', async () => {
    const synced = await recordDeviceSource(t.db, mdmActor, {
      kind: 'fleet',
      source: 'mdm:fleet-1',
      externalId: '42',
      facts: { serial: 'C02XYZ123', displayName: 'Anna MacBook', os: 'macOS', ownerEmail: 'anna@acme.test' },
      authoritative: false,
    });
    expect(synced.device.approvalStatus).toBe('pending');
    const r = await api.post('/devices', { permanentIdentifier: 'C02XYZ123', displayName: 'Anna (API)', tags: ['exec'] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: synced.device.id, serial: 'C02XYZ123', displayName: 'Anna (API)', os: 'macOS', user: { email: 'anna@acme.test' } });
    expect(r.body.approvedAt).toBeDefined();
    const sources = await t.db.select().from(deviceSources).where(eq(deviceSources.deviceId, synced.device.id));
    expect(sources.map((s) => s.source).sort()).toEqual(['api', 'mdm:fleet-1']);
    // The API value masks the MDM's; the next sync does not overwrite it but fills the rest.
    await recordDeviceSource(t.db, mdmActor, {
      kind: 'fleet',
      source: 'mdm:fleet-1',
      externalId: '42',
      facts: { serial: 'C02XYZ123', displayName: 'Renamed in Fleet', osVersion: '14.5' },
      authoritative: false,
    });
    const after = (await api.get(`/devices/${synced.device.id}`)).body;
    expect(after.displayName).toBe('Anna (API)');
    // PATCH null unmasks: the MDM's value shows again.
    const unset = await api.patch(`/devices/${synced.device.id}`, { displayName: null });
    expect(unset.body.displayName).toBe('Renamed in Fleet');
  });

  it('rejects bad input with 400 and a message, writing nothing', async () => {
    const before = await t.db.select({ n: count() }).from(devices);
    const cases: [unknown, RegExp][] = [
      [{}, /permanentIdentifier/],
      [{ permanentIdentifier: 42 }, /permanentIdentifier/],
      [{ permanentIdentifier: 'urn:ek:sha256:short' }, /EK URI/],
      [{ permanentIdentifier: 'X1', os: 'BeOS' }, /os must be one of/],
      [{ permanentIdentifier: 'X1', ownership: 'mine' }, /ownership/],
      [{ permanentIdentifier: 'X1', tags: 'a,b' }, /tags/],
      [{ permanentIdentifier: 'X1', metadata: { a: 1 } }, /metadata/],
      [{ permanentIdentifier: 'X1', user: { email: 'nope' } }, /email/],
      [{ permanentIdentifier: 'X1', displayName: 'x'.repeat(300) }, /longer than 256/],
      [{ permanentIdentifier: 'X1', colour: 'red' }, /unknown field/],
      [[], /expected object/],
    ];
    for (const [body, msg] of cases) {
      const r = await api.post('/devices', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.message).toMatch(msg);
    }
    expect((await api.call('POST', '/devices', undefined, { rawBody: '{"permanentIdentifier": ', headers: { 'content-type': 'application/json' } })).body.message).toMatch(/not valid JSON/);
    expect((await api.call('POST', '/devices', undefined, { rawBody: '', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await api.call('POST', '/devices', undefined, { rawBody: 'x=1', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await api.call('POST', '/devices', undefined, { rawBody: JSON.stringify({ permanentIdentifier: 'A', metadata: { big: 'x'.repeat(300_000) } }), headers: { 'content-type': 'application/json' } })).status).toBe(413);
    expect(await t.db.select({ n: count() }).from(devices)).toEqual(before);
  });
});

describe('GET, PATCH, DELETE /devices/{deviceID}', () => {
  it('finds a device by UUID and by each URN form', async () => {
    const created = (await api.post('/devices', { permanentIdentifier: ekUri(5), serial: 'SER-555' })).body;
    const apple = (await api.post('/devices', { permanentIdentifier: 'FVFXC123' })).body;
    for (const ref of [
      created.id,
      created.id.toUpperCase(),
      encodeURIComponent(ekUri(5)),
      encodeURIComponent(`urn:smallstep:device:permanent-identifier:${ekUri(5)}`),
      'urn:smallstep:device:serial:SER-555',
      'urn:smallstep:device:serial:ser-555',
    ]) {
      const r = await api.get(`/devices/${ref}`);
      expect(r.status, ref).toBe(200);
      expect(r.body.id).toBe(created.id);
    }
    expect((await api.get('/devices/urn:smallstep:device:permanent-identifier:FVFXC123')).body.id).toBe(apple.id);
    expect((await api.get('/devices/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    const bad = await api.get('/devices/not-a-device');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/UUID or a URN/);
  });

  it('patches selected fields, unsets with null, and refuses bad patches', async () => {
    const d = (await api.post('/devices', { permanentIdentifier: ekUri(6), displayName: 'Old', tags: ['a'], user: { email: 'x@acme.test' } })).body;
    const r = await api.patch(`/devices/${d.id}`, { displayName: 'New', shared: true, tags: ['b', 'c'], user: { email: null } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ displayName: 'New', shared: true, tags: ['b', 'c'] });
    expect(r.body.user).toBeUndefined();
    const cleared = await api.patch(`/devices/${d.id}`, { displayName: null, tags: null });
    expect(cleared.body.displayName).toBeUndefined();
    expect(cleared.body.tags).toEqual([]);
    for (const body of [{ shared: 'yes' }, { os: 'Plan9' }, { id: 'x' }, { permanentIdentifier: 'new' }]) {
      expect((await api.patch(`/devices/${d.id}`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await api.get(`/devices/${d.id}`)).body).toMatchObject({ shared: true, permanentIdentifier: ekUri(6) });
  });

  it('updates the lifecycle and deletes with 204', async () => {
    const d = (await api.post('/devices', { permanentIdentifier: ekUri(7) })).body;
    const q = await api.patch(`/devices/${d.id}/lifecycle`, { status: 'quarantined' });
    expect(q.body.lifecycleStatus).toBe('quarantined');
    expect((await api.patch(`/devices/${d.id}/lifecycle`, { status: 'gone' })).status).toBe(400);
    expect((await api.patch(`/devices/${d.id}/lifecycle`, {})).status).toBe(400);
    const del = await api.del(`/devices/${d.id}`);
    expect(del.status).toBe(204);
    expect((await api.get(`/devices/${d.id}`)).status).toBe(404);
    expect((await api.del(`/devices/${d.id}`)).status).toBe(404);
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'device.delete'));
    expect(audit.targetId).toBe(d.id);
  });
});

describe('GET /devices: pagination, filters and sorting', () => {
  it('pages with X-Next-Cursor without duplicates or gaps while rows are being inserted', async () => {
    const fresh = await installTestDb();
    try {
      const s = await seedTeam(fresh.db);
      const c = apiClient((await createApiToken(fresh.db, s.ownerActor, { name: 'p' })).token);
      for (let i = 0; i < 25; i++) await c.post('/devices', { permanentIdentifier: ekUri(1000 + i), displayName: `dev ${i}` });
      const seen: string[] = [];
      let cursor: string | null = null;
      let inserted = 0;
      do {
        const r = await c.get(`/devices?pagination[first]=7${cursor ? `&pagination[after]=${encodeURIComponent(cursor)}` : ''}`);
        expect(r.status).toBe(200);
        seen.push(...r.body.map((d: { id: string }) => d.id));
        cursor = r.headers.get('x-next-cursor');
        // New devices arrive while a client pages (default order: newest first).
        await c.post('/devices', { permanentIdentifier: ekUri(5000 + inserted++) });
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toHaveLength(25);
      const ascending: string[] = [];
      cursor = null;
      do {
        const r = await c.get(`/devices?pagination[first]=10&sort[field]=enrolledAt&sort[ascending]=true${cursor ? `&pagination[after]=${cursor}` : ''}`);
        ascending.push(...r.body.map((d: { id: string }) => d.id));
        cursor = r.headers.get('x-next-cursor');
      } while (cursor);
      expect(ascending.slice(0, 25).reverse()).toEqual(seen);
      expect((await c.get('/devices?pagination[after]=garbage')).status).toBe(400);
      expect((await c.get('/devices?pagination[first]=0')).status).toBe(400);
      expect((await c.get('/devices?pagination[first]=1001')).status).toBe(400);
    } finally {
      await fresh.destroy();
      const { useDatabase } = await import('@/server/db');
      useDatabase(t);
    }
  });

  it('filters by the contract filters', async () => {
    const fresh = await installTestDb();
    try {
      const s = await seedTeam(fresh.db);
      const c = apiClient((await createApiToken(fresh.db, s.ownerActor, { name: 'f' })).token);
      await c.post('/devices', { permanentIdentifier: ekUri(1), os: 'Linux', ownership: 'company', user: { email: 'a@acme.test' } });
      await c.post('/devices', { permanentIdentifier: 'MACSERIAL1', os: 'macOS', ownership: 'user' });
      await recordDeviceSource(fresh.db, mdmActor, { kind: 'jamf', source: 'mdm:jamf-1', externalId: '9', facts: { serial: 'JAMF0001', os: 'macOS' }, authoritative: false });
      await fresh.db.update(devices).set({ assurance: 'high' }).where(eq(devices.permanentIdentifier, ekUri(1)));
      const ids = async (q: string) => (await c.get(`/devices?${q}`)).body.map((d: { serial?: string; permanentIdentifier: string }) => d.serial ?? d.permanentIdentifier).sort();
      expect(await ids('filters[operatingSystem]=macOS')).toEqual(['JAMF0001', 'MACSERIAL1']);
      expect(await ids('filters[operatingSystem]=linux&filters[operatingSystem]=macOS')).toHaveLength(3);
      expect(await ids('filters[assurance]=high')).toEqual([ekUri(1)]);
      expect(await ids('filters[assurance]=normal')).toEqual(['JAMF0001', 'MACSERIAL1']);
      expect(await ids('filters[ownership]=company')).toEqual([ekUri(1)]);
      expect(await ids('filters[source]=Jamf')).toEqual(['JAMF0001']);
      expect(await ids('filters[source]=Smallstep%20API')).toEqual(['MACSERIAL1', ekUri(1)]);
      expect(await ids('filters[onlyPendingApproval]=true')).toEqual(['JAMF0001']);
      expect(await ids('filters[onlyUnassigned]=true')).toEqual(['JAMF0001', 'MACSERIAL1']);
      expect(await ids('filters[status]=warning')).toEqual(['JAMF0001']);
      expect(await ids('filters[search]=macserial')).toEqual(['MACSERIAL1']);
      expect(await ids('filters[source]=Intune')).toEqual([]);
      expect((await c.get(`/devices?${Array.from({ length: 25 }, (_, i) => `filters[tags]=t${i}`).join('&')}`)).status).toBe(400);
      expect((await c.get(`/devices?filters[tags]=${'x'.repeat(70)}`)).status).toBe(400);
      expect((await c.get(`/devices?pagination[after]=${'x'.repeat(1200)}`)).status).toBe(400);
      expect((await c.get('/devices?filters[operatingSystem]=BeOS')).status).toBe(400);
      expect((await c.get('/devices?filters[colour]=red')).status).toBe(400);
      expect((await c.get('/devices?filters[onlyManaged]=maybe')).status).toBe(400);
      expect((await c.get('/devices?sort[field]=name')).status).toBe(400);
      const bySource = (await c.get('/devices?sort[field]=source&sort[ascending]=true')).body.map((d: { serial?: string }) => d.serial);
      expect(bySource[bySource.length - 1]).toBe('JAMF0001');
    } finally {
      await fresh.destroy();
      const { useDatabase } = await import('@/server/db');
      useDatabase(t);
    }
  });
});

describe('approval policy matrix', () => {
  const cases = [
    { kind: 'api', requireMdm: true, requireSelf: true, expected: 'approved' },
    { kind: 'api', requireMdm: false, requireSelf: false, expected: 'approved' },
    { kind: 'fleet', requireMdm: true, requireSelf: false, expected: 'pending' },
    { kind: 'fleet', requireMdm: false, requireSelf: true, expected: 'approved' },
    { kind: 'jamf', requireMdm: true, requireSelf: true, expected: 'pending' },
    { kind: 'manual', requireMdm: false, requireSelf: true, expected: 'pending' },
    { kind: 'manual', requireMdm: true, requireSelf: false, expected: 'approved' },
    { kind: 'idp', requireMdm: true, requireSelf: true, expected: 'pending' },
    { kind: 'agent', requireMdm: true, requireSelf: false, expected: 'approved' },
  ] as const;
  for (const [i, c] of cases.entries()) {
    it(`${c.kind} with mdm=${c.requireMdm} self=${c.requireSelf} → ${c.expected}`, async () => {
      await updateTeamSettings(t.db, seed.ownerActor, { requireApprovalMdm: c.requireMdm, requireApprovalSelfEnrolled: c.requireSelf });
      const { device } = await recordDeviceSource(t.db, mdmActor, {
        kind: c.kind,
        source: c.kind === 'fleet' || c.kind === 'jamf' ? `mdm:${c.kind}-x` : c.kind,
        externalId: `policy-${i}`,
        facts: { serial: `POLICY-${i}-SERIAL` },
        authoritative: false,
      });
      expect(device.approvalStatus).toBe(c.expected);
    });
  }
  it('restores the defaults', async () => {
    const [team] = await t.db.update(teams).set({ requireApprovalMdm: true, requireApprovalSelfEnrolled: true }).returning();
    expect(team.requireApprovalMdm).toBe(true);
  });
});

describe('Save Collection Instance', () => {
  it('adds a device by serial or EK URI with the owner from smallstep:identity', async () => {
    const r = await api.put('/collections/default/instances/C02ABC999', { data: { 'smallstep:identity': 'carl@acme.test', site: 'berlin' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: 'C02ABC999', data: { 'smallstep:identity': 'carl@acme.test', site: 'berlin' } });
    const device = (await api.get('/devices/urn:smallstep:device:serial:C02ABC999')).body;
    expect(device).toMatchObject({ permanentIdentifier: 'C02ABC999', user: { email: 'carl@acme.test' }, metadata: { site: 'berlin' } });
    expect(device.approvedAt).toBeDefined();
    const again = await api.put('/collections/default/instances/C02ABC999', { data: { 'smallstep:identity': 'dora@acme.test' } });
    expect(again.status).toBe(200);
    expect((await api.get(`/devices/${device.id}`)).body.user.email).toBe('dora@acme.test');
    const ek = await api.put(`/collections/default/instances/${encodeURIComponent(ekUri(9))}`, { data: { 'smallstep:identity': 'eve@acme.test' } });
    expect(ek.status).toBe(201);
    expect((await api.put('/collections/other/instances/X123', { data: {} })).status).toBe(404);
    expect((await api.put('/collections/default/instances/X123', { data: { 'smallstep:identity': 'not-an-email' } })).status).toBe(400);
    expect((await api.put('/collections/default/instances/X123', { nodata: 1 })).status).toBe(400);
  });
});
