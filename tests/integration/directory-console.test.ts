// The console's directory views over provisioned data: groups with member counts (searched and
// paginated in SQL), a user's groups, devices and certificates, and SCIM tokens through tRPC.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '@/server/api/root';
import { createCallerFactory } from '@/server/api/trpc';
import { certificates } from '@/server/db/schema';
import { createDevice } from '@/server/services/devices/create-device';
import { ensureAuthority } from '@/server/services/pki/load-authority';
import { createScimToken } from '@/server/services/scim/create-scim-token';
import { installTestDb, type TestDb } from '../helpers/db';
import { seedTeam } from '../helpers/fixtures';
import { scimClient } from '../helpers/scim';

let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
let scim: ReturnType<typeof scimClient>;
const caller = () => createCallerFactory(appRouter)({ db: t.db, user: seed.admin, ip: null });
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

beforeAll(async () => {
  t = await installTestDb();
  seed = await seedTeam(t.db);
  scim = scimClient((await createScimToken(t.db, seed.ownerActor, { name: 'Entra' })).token);
});
afterAll(() => t.destroy());

async function provision(userName: string) {
  const res = await scim('POST', 'Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true, displayName: userName.split('@')[0] });
  return res.body.id as string;
}

describe('groups page data', () => {
  it('lists groups by name with member counts, searches, and pages with a cursor', async () => {
    const members = [await provision('g1@contoso.com'), await provision('g2@contoso.com')];
    const names = ['Zeta', 'alpha', 'Beta', 'beta team', 'Gamma'];
    for (const displayName of names) {
      const { body } = await scim('POST', 'Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName });
      if (displayName.startsWith('beta')) {
        await scim('PATCH', `Groups/${body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: members.map((value) => ({ value })) }] });
      }
    }
    const first = await caller().groups.list({ limit: 2 });
    expect(first.groups.map((g) => g.displayName)).toEqual(['alpha', 'Beta']);
    const second = await caller().groups.list({ limit: 2, cursor: first.nextCursor! });
    expect(second.groups.map((g) => g.displayName)).toEqual(['beta team', 'Gamma']);
    const third = await caller().groups.list({ limit: 2, cursor: second.nextCursor! });
    expect(third).toMatchObject({ groups: [{ displayName: 'Zeta' }], nextCursor: null });
    const search = await caller().groups.list({ search: 'BETA' });
    expect(search.groups.map((g) => [g.displayName, g.memberCount])).toEqual([
      ['Beta', 0],
      ['beta team', 2],
    ]);
    expect((await caller().groups.list({ cursor: 'garbage' })).groups).toHaveLength(5);
  });
});

describe('user detail', () => {
  it("shows a provisioned user's groups, devices and certificates", async () => {
    const email = 'dana@contoso.com';
    const { device } = await createDevice(t.db, seed.ownerActor, { permanentIdentifier: 'C02DANA0001', ownerEmail: email, displayName: "Dana's Mac" }, 'api');
    const id = await provision(email);
    const group = (await scim('POST', 'Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Design', members: [{ value: id }] })).body;
    const authority = await ensureAuthority(t.db);
    await t.db.insert(certificates).values({
      serialHex: randomBytes(16).toString('hex'),
      authorityId: authority.id,
      deviceId: device.id,
      subject: 'CN=C02DANA0001',
      issuedVia: 'scep',
      notBefore: new Date(Date.now() - 1000),
      notAfter: new Date(Date.now() + 86_400_000),
      certPem: 'x',
      publicKeySha256: randomBytes(32).toString('hex'),
    });
    const detail = await caller().users.get({ id });
    expect(detail.user).toMatchObject({ email, source: 'scim', userName: email, role: 'user', active: true });
    expect(detail.groups).toEqual([{ id: group.id, displayName: 'Design' }]);
    expect(detail.devices).toEqual([expect.objectContaining({ id: device.id, label: "Dana's Mac", ownerDeprovisionedAt: null })]);
    expect(detail.certificates).toEqual([expect.objectContaining({ deviceId: device.id, status: 'active' })]);
    await expect(caller().users.get({ id: randomUUID() })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('SCIM tokens through tRPC', () => {
  it('creates (secret returned once), lists without the secret, and revokes', async () => {
    const created = await caller().scimTokens.create({ name: 'rotation' });
    expect(created.token).toMatch(/^tscim_/);
    const listed = await caller().scimTokens.list();
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(listed.find((r) => r.id === created.id)).toMatchObject({ status: 'active', createdByLabel: 'admin@acme.test' });
    await caller().scimTokens.revoke({ id: created.id });
    expect((await caller().scimTokens.list()).find((r) => r.id === created.id)?.status).toBe('revoked');
    expect((await scimClient(created.token)('GET', 'Users')).status).toBe(401);
    await expect(caller().scimTokens.create({ name: '  ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
