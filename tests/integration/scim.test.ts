// SCIM 2.0 at /scim/v2, driven through the route handler with the requests Microsoft Entra really
// sends (Microsoft's "Develop a SCIM endpoint" request/response pairs, both PATCH dialects).
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '@/server/db/schema';
import { auditLog, scimGroupMembers, users } from '@/server/db/schema';
import type { Db } from '@/server/db';
import { createScimToken } from '@/server/services/scim/create-scim-token';
import { revokeScimToken } from '@/server/services/scim/revoke-scim-token';
import { patchScimGroup } from '@/server/services/scim/patch-scim-group';
import { getSessionUser } from '@/server/services/users/get-session-user';
import { installTestDb, type TestDb } from '../helpers/db';
import { seedTeam } from '../helpers/fixtures';
import { q, scimClient } from '../helpers/scim';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
let token: string;
let scim: ReturnType<typeof scimClient>;

beforeAll(async () => {
  t = await installTestDb();
  seed = await seedTeam(t.db);
  token = (await createScimToken(t.db, seed.ownerActor, { name: 'Entra' })).token;
  scim = scimClient(token);
});
afterAll(() => t.destroy());

// Microsoft's "Create User" request, with fresh names.
function entraUser(overrides: Record<string, unknown> = {}) {
  const tag = randomUUID();
  return {
    schemas: [CORE_USER, ENTERPRISE],
    externalId: randomUUID(),
    userName: `Test_User_${tag}@contoso.com`,
    active: true,
    emails: [{ primary: true, type: 'work', value: `Test_User_${tag}@contoso.com` }],
    meta: { resourceType: 'User' },
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    roles: [],
    ...overrides,
  };
}

const patchBody = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const withoutServerFields = ({ id, meta, ...rest }: Record<string, unknown>) => (void id, void meta, rest);
const expectScimError = (res: { status: number; body: any }, status: number, scimType?: string) => {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ schemas: [ERROR], status: String(status) });
  if (scimType) expect(res.body.scimType).toBe(scimType);
};

async function provision(overrides: Record<string, unknown> = {}) {
  const res = await scim('POST', 'Users', entraUser(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, any>;
}

describe('authentication', () => {
  it('refuses a request without a token, with a wrong one, or with a revoked one, in the SCIM error schema', async () => {
    expectScimError(await scimClient(null)('GET', 'Users'), 401);
    expectScimError(await scimClient('tscim_wrong')('GET', `Users?filter=${q('userName eq "x"')}`), 401);
    const extra = await createScimToken(t.db, seed.ownerActor, { name: 'rotated' });
    expect((await scimClient(extra.token)('GET', 'Users')).status).toBe(200);
    await revokeScimToken(t.db, seed.ownerActor, extra.id);
    const revoked = await scimClient(extra.token)('GET', 'Users');
    expectScimError(revoked, 401);
    expect(revoked.headers.get('www-authenticate')).toMatch(/^Bearer/);
    // The token still in use keeps working during a rotation.
    expect((await scim('GET', 'ServiceProviderConfig')).status).toBe(200);
  });
});

describe("Entra's Test Connection and initial cycle", () => {
  it('answers the connection test with an empty ListResponse', async () => {
    const res = await scim('GET', `Users?filter=${q(`userName eq "${randomUUID()}"`)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('GET filter then POST: creates a Tessera user (role user, source scim) and returns exactly what was sent', async () => {
    const body = entraUser();
    const before = await scim('GET', `Users?filter=${q(`userName eq "${body.userName}"`)}`);
    expect(before.body.totalResults).toBe(0);
    const created = await scim('POST', 'Users', body);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`http://t.test/scim/v2/Users/${created.body.id}`);
    const { meta: _meta, ...sent } = body;
    expect(withoutServerFields(created.body)).toEqual(sent);
    expect(created.body.meta).toMatchObject({ resourceType: 'User', location: created.headers.get('location') });
    const [row] = await t.db.select().from(users).where(eq(users.id, created.body.id));
    expect(row).toMatchObject({ role: 'user', source: 'scim', active: true, email: body.emails[0].value.toLowerCase(), name: 'givenName familyName', externalId: body.externalId });

    // The next cycle finds it, whatever the case of the userName, and by externalId.
    const again = await scim('GET', `Users?filter=${q(`userName eq "${body.userName.toUpperCase()}"`)}`);
    expect(again.body.totalResults).toBe(1);
    expect(again.body.Resources[0]).toEqual(created.body);
    expect((await scim('GET', `Users?filter=${q(`externalId eq "${body.externalId}"`)}`)).body.Resources[0].id).toBe(created.body.id);
    expect((await scim('GET', `Users/${created.body.id}`)).body).toEqual(created.body);
  });

  it('answers a second POST of the same userName (any case) with 409 uniqueness', async () => {
    const body = entraUser();
    await provision(body);
    expectScimError(await scim('POST', 'Users', { ...entraUser(), userName: body.userName.toLowerCase() }), 409, 'uniqueness');
    expectScimError(await scim('POST', 'Users', entraUser({ emails: body.emails })), 409, 'uniqueness');
  });

  it('keeps extension and unknown attributes and returns them unchanged', async () => {
    const body = {
      schemas: [CORE_USER, ENTERPRISE, 'urn:contoso:params:scim:schemas:extension:badge:1.0:User'],
      userName: `ann.${randomUUID()}@contoso.com`,
      displayName: 'Ann Lee',
      nickName: 'Annie',
      title: 'Engineer',
      preferredLanguage: 'en-GB',
      emails: [
        { value: 'ann@contoso.com', type: 'work', primary: true },
        { value: 'ann@home.example', type: 'home' },
      ],
      phoneNumbers: [{ value: '+44 20 7946 0000', type: 'work' }],
      addresses: [{ type: 'work', formatted: '1 Main St', country: 'GB' }],
      [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
      'urn:contoso:params:scim:schemas:extension:badge:1.0:User': { badgeNumber: 42, lanyard: { color: 'blue' } },
      customField: ['a', 'b'],
      active: true,
    };
    const res = await scim('POST', 'Users', body);
    expect(res.status).toBe(201);
    const created = res.body;
    expect(withoutServerFields(created)).toEqual(body);
    expect(withoutServerFields((await scim('GET', `Users/${created.id}`)).body)).toEqual(body);
    // Filters reach the same stored values.
    for (const filter of [
      `${ENTERPRISE}:department eq "tour operations"`,
      `emails[type eq "home"].value eq "ANN@home.example"`,
      'urn:contoso:params:scim:schemas:extension:badge:1.0:User:badgeNumber gt 41',
      `nickName eq "annie" and title sw "Eng"`,
      'addresses[country eq "GB"]',
    ]) {
      const res = await scim('GET', `Users?filter=${q(filter)}`);
      expect(res.status, filter).toBe(200);
      expect(res.body.Resources.map((r: { id: string }) => r.id), filter).toContain(created.id);
    }
  });

  it('links a local user with the same email instead of failing, and keeps their role', async () => {
    const created = await provision({ userName: 'Admin@Acme.test', emails: [{ value: 'admin@acme.test', type: 'work' }] });
    expect(created.id).toBe(seed.admin.id);
    const [row] = await t.db.select().from(users).where(eq(users.id, seed.admin.id));
    expect(row).toMatchObject({ role: 'admin', source: 'scim', userName: 'Admin@Acme.test' });
  });
});

describe('attribute updates (PATCH)', () => {
  it('applies the Entra request without aadOptscim062020: capitalised ops, filtered paths, extension URNs', async () => {
    const user = await provision();
    const res = await scim(
      'PATCH',
      `Users/${user.id}`,
      patchBody(
        { op: 'Replace', path: 'displayName', value: 'Pvlo' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
        { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
        { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
        { op: 'Add', path: `${ENTERPRISE}:employeeNumber`, value: 'Eqpj' },
        { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: user.id,
      displayName: 'Pvlo',
      emails: [{ value: 'TestBcwqnm@test.microsoft.com', type: 'work', primary: true }],
      name: { formatted: 'givenName familyName', givenName: 'Gtfd', familyName: 'Pkqf' },
      [ENTERPRISE]: { employeeNumber: 'Eqpj' },
      phoneNumbers: [{ type: 'mobile', value: '+1 555 0100' }],
    });
    expect((await scim('GET', `Users/${user.id}`)).body).toEqual(res.body);
    const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ email: 'testbcwqnm@test.microsoft.com', name: 'Pvlo', role: 'user' });
  });

  it('applies the Entra request with aadOptscim062020: path-less dotted keys and URN keys', async () => {
    const user = await provision();
    const res = await scim(
      'PATCH',
      `Users/${user.id}`,
      patchBody(
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
        { op: 'replace', value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${ENTERPRISE}:department`]: 'Sales' } },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ displayName: 'Bjfe', name: { givenName: 'Kkom', familyName: 'Unua' }, [ENTERPRISE]: { department: 'Sales' } });
    expect(res.body.emails[0].value).toBe('TestMhvaes@test.microsoft.com');
  });

  it('changes userName (Microsoft "Update User [Single-valued properties]") and keeps it unique', async () => {
    const a = await provision();
    const b = await provision();
    const renamed = `${randomUUID()}@testuser.com`;
    expect((await scim('PATCH', `Users/${a.id}`, patchBody({ op: 'Replace', path: 'userName', value: renamed }))).body.userName).toBe(renamed);
    expectScimError(await scim('PATCH', `Users/${b.id}`, patchBody({ op: 'Replace', path: 'userName', value: renamed.toUpperCase() })), 409, 'uniqueness');
  });

  it('writes nothing when Entra re-sends values already stored', async () => {
    const user = await provision();
    const res = await scim('PATCH', `Users/${user.id}`, patchBody({ op: 'Replace', path: 'active', value: 'True' }, { op: 'Replace', path: 'name.givenName', value: 'givenName' }));
    expect(res.status).toBe(200);
    expect(res.body.meta.lastModified).toBe(user.meta.lastModified);
  });

  it('never changes the role, and refuses read-only attributes', async () => {
    const user = await provision();
    await t.db.update(users).set({ role: 'admin' }).where(eq(users.id, user.id));
    await scim('PUT', `Users/${user.id}`, { ...entraUser({ userName: user.userName }), roles: [{ value: 'owner' }] });
    expect((await t.db.select().from(users).where(eq(users.id, user.id)))[0].role).toBe('admin');
    expectScimError(await scim('PATCH', `Users/${user.id}`, patchBody({ op: 'replace', path: 'id', value: randomUUID() })), 400, 'mutability');
  });
});

describe('deactivation, reactivation and deletion', () => {
  it('deactivates with "False", keeps the user findable, ends sessions, and reactivates with "True"', async () => {
    const user = await provision();
    const before = (await t.db.select().from(users).where(eq(users.id, user.id)))[0];
    expect(await getSessionUser(t.db, user.id, before.sessionVersion)).not.toBeNull();

    const off = await scim('PATCH', `Users/${user.id}`, patchBody({ op: 'Replace', path: 'active', value: 'False' }));
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect(await getSessionUser(t.db, user.id, before.sessionVersion)).toBeNull();
    // Entra still finds the inactive user by userName, or it would create a duplicate.
    const found = await scim('GET', `Users?filter=${q(`userName eq "${user.userName}"`)}`);
    expect(found.body.Resources).toEqual([expect.objectContaining({ id: user.id, active: false })]);
    expect((await scim('GET', `Users?filter=${q(`active eq false and userName eq "${user.userName}"`)}`)).body.totalResults).toBe(1);

    const on = await scim('PATCH', `Users/${user.id}`, patchBody({ op: 'Replace', path: 'active', value: 'True' }));
    expect(on.body.active).toBe(true);
    const after = (await t.db.select().from(users).where(eq(users.id, user.id)))[0];
    expect(await getSessionUser(t.db, user.id, before.sessionVersion)).toBeNull(); // old sessions stay ended
    expect(await getSessionUser(t.db, user.id, after.sessionVersion)).not.toBeNull();
    const actions = (await t.db.select().from(auditLog).where(eq(auditLog.targetId, user.id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['scim.user.create', 'scim.user.update', 'user.deactivate', 'user.reactivate']));
  });

  it('deletes softly: 204, then 404 and gone from filters; a new POST of the userName restores the row', async () => {
    const user = await provision();
    const del = await scim('DELETE', `Users/${user.id}`);
    expect(del.status).toBe(204);
    expectScimError(await scim('GET', `Users/${user.id}`), 404);
    expectScimError(await scim('DELETE', `Users/${user.id}`), 404);
    expect((await scim('GET', `Users?filter=${q(`userName eq "${user.userName}"`)}`)).body.totalResults).toBe(0);
    const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(row.active).toBe(false);
    expect(row.deletedAt).not.toBeNull();
    const again = await provision({ userName: user.userName, externalId: user.externalId, emails: user.emails });
    expect(again.id).toBe(user.id);
    expect(again.active).toBe(true);
  });
});

describe('groups', () => {
  it('replays Entra: create, read with excludedAttributes=members, rename, add and remove members in both forms, delete', async () => {
    const members = await Promise.all([provision(), provision(), provision()]);
    const created = await scim('POST', 'Groups', {
      schemas: [CORE_GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: randomUUID(),
      displayName: 'Engineering',
      meta: { resourceType: 'Group' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({ displayName: 'Engineering', meta: { resourceType: 'Group' } });

    const lookup = await scim('GET', `Groups?excludedAttributes=members&filter=${q('displayName eq "engineering"')}`);
    expect(lookup.body.Resources.map((g: { id: string }) => g.id)).toContain(id);
    expect(lookup.body.Resources[0]).not.toHaveProperty('members');
    expect((await scim('GET', `Groups/${id}?excludedAttributes=members`)).body).not.toHaveProperty('members');

    expect((await scim('PATCH', `Groups/${id}`, patchBody({ op: 'Replace', path: 'displayName', value: 'Engineering EU' }))).status).toBe(204);
    const add = await scim('PATCH', `Groups/${id}`, patchBody({ op: 'Add', path: 'members', value: members.map((m) => ({ $ref: null, value: m.id })) }));
    expect(add.status).toBe(204);
    const full = await scim('GET', `Groups/${id}`);
    expect(full.body.displayName).toBe('Engineering EU');
    expect(full.body.members.map((m: { value: string }) => m.value).sort()).toEqual(members.map((m) => m.id).sort());
    // Filters over membership, from either side.
    expect((await scim('GET', `Groups?filter=${q(`members[value eq "${members[0].id}"]`)}`)).body.Resources.map((g: { id: string }) => g.id)).toEqual([id]);
    expect((await scim('GET', `Users?filter=${q(`groups.value eq "${id}"`)}`)).body.totalResults).toBe(3);
    expect((await scim('GET', `Users/${members[0].id}`)).body.groups).toEqual([
      { value: id, display: 'Engineering EU', $ref: `http://t.test/scim/v2/Groups/${id}`, type: 'direct' },
    ]);

    // Without aadOptscim062020: a filtered path. With it: the value array form.
    expect((await scim('PATCH', `Groups/${id}`, patchBody({ op: 'Remove', path: `members[value eq "${members[0].id}"]` }))).status).toBe(204);
    expect((await scim('PATCH', `Groups/${id}`, patchBody({ op: 'remove', path: 'members', value: [{ value: members[1].id }] }))).status).toBe(204);
    const rows = await t.db.select().from(scimGroupMembers).where(eq(scimGroupMembers.groupId, id));
    expect(rows.map((r) => r.userId)).toEqual([members[2].id]);

    expect((await scim('DELETE', `Groups/${id}`)).status).toBe(204);
    expectScimError(await scim('GET', `Groups/${id}`), 404);
    expect(await t.db.select().from(scimGroupMembers).where(eq(scimGroupMembers.groupId, id))).toEqual([]);
  });

  it('adds 2000 members in one statement and removes them in one, touching only the join table rows named', async () => {
    const ids = Array.from({ length: 2000 }, () => randomUUID());
    await t.db.insert(users).values(ids.map((id, i) => ({ id, email: `bulk${i}.${id}@contoso.com`, userName: `bulk${i}.${id}@contoso.com`, source: 'scim' as const })));
    const group = (await scim('POST', 'Groups', { schemas: [CORE_GROUP], displayName: 'Everyone' })).body;
    const bystander = await provision();
    await scim('PATCH', `Groups/${group.id}`, patchBody({ op: 'Add', path: 'members', value: [{ value: bystander.id }] }));

    const { db, statements } = await countingDb();
    const membership = () => statements.filter((s) => s.includes('scim_group_members'));
    await patchScimGroup(db, seed.ownerActor, { id: group.id, body: patchBody({ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }) });
    expect(membership()).toHaveLength(1);
    expect(await memberCount(group.id)).toBe(2001);

    statements.length = 0;
    await patchScimGroup(db, seed.ownerActor, { id: group.id, body: patchBody({ op: 'Remove', path: 'members', value: ids.slice(0, 1500).map((value) => ({ value })) }) });
    expect(membership()).toHaveLength(1);
    expect(await memberCount(group.id)).toBe(501);

    statements.length = 0;
    await patchScimGroup(db, seed.ownerActor, {
      id: group.id,
      body: patchBody({ op: 'Remove', path: 'members', value: ids.slice(1500).map((value) => ({ value })) }, { op: 'Add', path: 'members', value: [{ value: ids[0] }] }),
    });
    // Entra's member-only PATCH: removals and additions travel in one statement.
    expect(membership()).toHaveLength(1);
    expect((await t.db.select().from(scimGroupMembers).where(eq(scimGroupMembers.groupId, group.id))).map((r) => r.userId).sort()).toEqual([bystander.id, ids[0]].sort());
  });
});

async function memberCount(groupId: string): Promise<number> {
  const [row] = await t.db.select({ n: sql<number>`count(*)::int` }).from(scimGroupMembers).where(eq(scimGroupMembers.groupId, groupId));
  return Number(row.n);
}

// A second drizzle handle on the same connection that records every statement it sends.
async function countingDb(): Promise<{ db: Db; statements: string[] }> {
  const statements: string[] = [];
  const logger = { logQuery: (query: string) => statements.push(query) };
  const client = (t.db as unknown as { $client: never }).$client;
  if (t.kind === 'pglite') {
    const { drizzle } = await import('drizzle-orm/pglite');
    return { db: drizzle(client, { schema, logger }) as unknown as Db, statements };
  }
  const { drizzle } = await import('drizzle-orm/postgres-js');
  return { db: drizzle(client, { schema, logger }) as unknown as Db, statements };
}

describe('lists', () => {
  it('pages with startIndex and count and reports totalResults', async () => {
    const prefix = `page-${randomUUID().slice(0, 8)}`;
    const created = [];
    for (let i = 0; i < 7; i++) created.push((await provision({ userName: `${prefix}-${i}@contoso.com` })).id);
    const page = (start: number, count: number) => scim('GET', `Users?filter=${q(`userName sw "${prefix}"`)}&startIndex=${start}&count=${count}`);
    const first = await page(1, 3);
    expect(first.body).toMatchObject({ totalResults: 7, startIndex: 1, itemsPerPage: 3 });
    const third = await page(7, 3);
    expect(third.body).toMatchObject({ totalResults: 7, startIndex: 7, itemsPerPage: 1 });
    const beyond = await page(20, 3);
    expect(beyond.body).toMatchObject({ totalResults: 7, startIndex: 20, itemsPerPage: 0, Resources: [] });
    const none = await page(1, 0);
    expect(none.body).toMatchObject({ totalResults: 7, itemsPerPage: 0 });
    const all = [];
    for (let start = 1; start <= 7; start += 3) all.push(...(await page(start, 3)).body.Resources.map((r: { id: string }) => r.id));
    expect(all).toEqual(created);
  });

  it('projects attributes and excludedAttributes', async () => {
    const user = await provision();
    const picked = await scim('GET', `Users?filter=${q(`id eq "${user.id}"`)}&attributes=userName,emails.value`);
    expect(picked.body.Resources[0]).toEqual({ schemas: user.schemas, id: user.id, userName: user.userName, emails: [{ value: user.emails[0].value }] });
    const excluded = await scim('GET', `Users/${user.id}?excludedAttributes=name,emails`);
    expect(excluded.body).not.toHaveProperty('name');
    expect(excluded.body).not.toHaveProperty('emails');
    expect(excluded.body.userName).toBe(user.userName);
  });

  it('supports the filters Entra and the RFC use', async () => {
    const user = await provision({ displayName: 'Filter Target' });
    const since = new Date(Date.parse(user.meta.lastModified) - 1000).toISOString();
    for (const filter of [
      `id eq "${user.id}"`,
      `displayName eq "filter target"`,
      `emails[type eq "work"].value eq "${user.emails[0].value.toUpperCase()}"`,
      `emails.value eq "${user.emails[0].value}"`,
      `emails co "${user.emails[0].value.slice(10, 30)}"`,
      `name.givenName sw "GIVEN" and active eq true`,
      `meta.lastModified ge "${since}" and userName eq "${user.userName}"`,
      `(userName eq "nobody" or externalId eq "${user.externalId}") and not (displayName eq "other")`,
    ]) {
      const res = await scim('GET', `Users?filter=${q(filter)}`);
      expect(res.status, filter).toBe(200);
      expect(res.body.Resources.map((r: { id: string }) => r.id), filter).toContain(user.id);
    }
    expect((await scim('GET', `Users?filter=${q('customAttribute eq "nothing"')}`)).body.totalResults).toBe(0);
  });

  it('accepts a POST /.search', async () => {
    const user = await provision();
    const res = await scim('POST', 'Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: `userName eq "${user.userName}"`, count: 5 });
    expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual([user.id]);
  });
});

describe('discovery', () => {
  it('serves ServiceProviderConfig, ResourceTypes and Schemas', async () => {
    const config = await scim('GET', 'ServiceProviderConfig');
    expect(config.body).toMatchObject({ patch: { supported: true }, filter: { supported: true }, bulk: { supported: false }, authenticationSchemes: [{ type: 'oauthbearertoken' }] });
    const types = await scim('GET', 'ResourceTypes');
    expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
    expect((await scim('GET', 'ResourceTypes/User')).body.schemaExtensions).toEqual([{ schema: ENTERPRISE, required: false }]);
    const schemas = await scim('GET', 'Schemas');
    expect(schemas.body.Resources.map((r: { id: string }) => r.id)).toEqual([CORE_USER, CORE_GROUP, ENTERPRISE]);
    expect((await scim('GET', `Schemas/${ENTERPRISE}`)).body.name).toBe('EnterpriseUser');
    expectScimError(await scim('GET', 'Schemas/urn:nope'), 404);
  });
});

describe('bad input is a 4xx in the SCIM error schema, never a 5xx', () => {
  it('malformed JSON, empty body, wrong body shape', async () => {
    expectScimError(await scim('POST', 'Users', undefined, '{"userName": '), 400, 'invalidSyntax');
    expectScimError(await scim('POST', 'Users', undefined, ''), 400, 'invalidSyntax');
    expectScimError(await scim('POST', 'Users', undefined, '[1,2]'), 400, 'invalidSyntax');
    expectScimError(await scim('POST', 'Groups', undefined, 'null'), 400, 'invalidSyntax');
    const user = await provision();
    expectScimError(await scim('PATCH', `Users/${user.id}`, undefined, 'not json'), 400, 'invalidSyntax');
    expectScimError(await scim('PATCH', `Users/${user.id}`, { Operations: [] }), 400, 'invalidSyntax');
    expectScimError(await scim('PATCH', `Users/${user.id}`, patchBody({ op: 'Frobnicate', path: 'active', value: true })), 400, 'invalidSyntax');
    expectScimError(await scim('PATCH', `Users/${user.id}`, patchBody({ op: 'Replace', path: 'active', value: 'maybe' })), 400, 'invalidValue');
    expectScimError(await scim('PATCH', `Users/${user.id}`, patchBody({ op: 'Replace', path: 'emails[type eq "work"', value: 'x' })), 400, 'invalidFilter');
    expectScimError(await scim('PATCH', `Users/${user.id}`, patchBody({ op: 'Remove', path: 'userName' })), 400, 'invalidValue');
  });

  it('invalid values', async () => {
    expectScimError(await scim('POST', 'Users', entraUser({ userName: '' })), 400, 'invalidValue');
    expectScimError(await scim('POST', 'Users', entraUser({ userName: 42 })), 400, 'invalidValue');
    expectScimError(await scim('POST', 'Users', entraUser({ userName: 'x'.repeat(600) })), 400, 'invalidValue');
    expectScimError(await scim('POST', 'Users', entraUser({ active: 'sometimes' })), 400, 'invalidValue');
    expectScimError(await scim('POST', 'Users', entraUser({ emails: 'a@b.c' })), 400, 'invalidValue');
    expectScimError(await scim('POST', 'Users', entraUser({ displayName: 'nul\u0000byte' })), 400, 'invalidValue');
    expectScimError(await scim('POST', 'Users', undefined, JSON.stringify(entraUser()).replace('"active":true', '"active":true,"title":"\\ud800"')), 400, 'invalidValue');
    expectScimError(await scim('POST', 'Groups', { schemas: [CORE_GROUP] }), 400, 'invalidValue');
    expectScimError(await scim('POST', 'Groups', { schemas: [CORE_GROUP], displayName: 'x', members: [{ display: 'no value' }] }), 400, 'invalidValue');
  });

  it('bad filters and parameters', async () => {
    for (const filter of ['userName eq', 'userName xx "a"', 'userName eq "a" or', '((userName eq "a")', 'emails[type eq "work"', 'active gt true', 'userName eq 42', 'password eq "x"', `userName eq "\\u0000"`]) {
      expectScimError(await scim('GET', `Users?filter=${q(filter)}`), 400, 'invalidFilter');
    }
    expectScimError(await scim('GET', `Groups?filter=${q('members[display eq "x"]')}`), 400, 'invalidFilter');
    expectScimError(await scim('GET', 'Users?count=ten'), 400, 'invalidValue');
    expect((await scim('GET', 'Users?startIndex=999999999999999999999&count=-5')).body).toMatchObject({ itemsPerPage: 0, Resources: [] });
    for (const filter of ['meta.lastModified gt "0000-01-01T00:00:00Z"', 'meta.created lt "-000001-01-01T00:00:00Z"', 'urn:x:params:scim:schemas:extension:y:1.0:User:n gt 1e400', `id eq "${'9'.repeat(40)}"`]) {
      const res = await scim('GET', `Users?filter=${q(filter)}`);
      expect(res.status, filter).toBeLessThan(500);
      expect(res.status, filter).not.toBe(401);
    }
    const huge = Array.from({ length: 2000 }, (_, i) => `userName eq "u${i}"`).join(' or ');
    expectScimError(await scim('POST', 'Users/.search', { filter: huge }), 400, 'invalidFilter');
    const many = Array.from({ length: 300 }, (_, i) => `userName eq "u${i}"`).join(' or ');
    expect((await scim('POST', 'Users/.search', { filter: many })).status).toBe(200);
    expectScimError(await scim('GET', 'Users?attributes=na%20me'), 400, 'invalidValue');
  });

  it('unknown paths, ids and methods', async () => {
    expectScimError(await scim('GET', 'Frobs'), 404);
    expectScimError(await scim('GET', 'Users/not-a-uuid'), 404);
    expectScimError(await scim('GET', `Users/${randomUUID()}`), 404);
    expectScimError(await scim('PATCH', `Users/${randomUUID()}`, patchBody({ op: 'replace', path: 'active', value: false })), 404);
    expectScimError(await scim('PATCH', `Groups/${randomUUID()}`, patchBody({ op: 'add', path: 'members', value: [{ value: randomUUID() }] })), 404);
    expectScimError(await scim('GET', `Users/${seed.owner.id}`), 404); // a local user is not a SCIM resource
    expectScimError(await scim('GET', 'Users/a/b'), 404);
    expectScimError(await scim('DELETE', 'Users'), 405);
    expectScimError(await scim('PUT', 'ServiceProviderConfig', {}), 405);
  });

  it('ignores member ids that name no provisioned user', async () => {
    const group = (await scim('POST', 'Groups', { schemas: [CORE_GROUP], displayName: 'Ghosts' })).body;
    const res = await scim('PATCH', `Groups/${group.id}`, patchBody({ op: 'Add', path: 'members', value: [{ value: 'not-a-uuid' }, { value: randomUUID() }, { value: seed.owner.id }] }));
    expect(res.status).toBe(204);
    expect(await memberCount(group.id)).toBe(0);
  });
});

describe('audit', () => {
  it('records SCIM writes with the token as actor', async () => {
    const user = await provision();
    const rows = await t.db.select().from(auditLog).where(and(eq(auditLog.targetId, user.id), eq(auditLog.action, 'scim.user.create')));
    expect(rows[0]).toMatchObject({ actorType: 'scim', actorLabel: 'scim:Entra' });
  });

  it('records member PATCHes with the group name and the counts; a missing group is 404 and writes nothing', async () => {
    const [a, b] = await Promise.all([provision(), provision()]);
    const group = (await scim('POST', 'Groups', { schemas: [CORE_GROUP], displayName: 'Audited group' })).body;
    // Entra's forms, and the id in capitals (ids compare case-insensitively).
    expect((await scim('PATCH', `Groups/${group.id.toUpperCase()}`, patchBody({ op: 'Add', path: 'members', value: [{ value: a.id }, { value: b.id }, { value: a.id }] }))).status).toBe(204);
    expect((await scim('PATCH', `Groups/${group.id}`, patchBody({ op: 'Remove', path: `members[value eq "${a.id}"]` }, { op: 'Add', path: 'members', value: [{ value: b.id }] }))).status).toBe(204);
    const rows = await t.db.select().from(auditLog).where(and(eq(auditLog.targetId, group.id), eq(auditLog.action, 'scim.group.update'))).orderBy(auditLog.id);
    expect(rows.map((r) => ({ actorLabel: r.actorLabel, targetType: r.targetType, targetLabel: r.targetLabel, details: r.details }))).toEqual([
      { actorLabel: 'scim:Entra', targetType: 'scim_group', targetLabel: 'Audited group', details: { operations: ['add members'], membersAdded: 2, membersRemoved: 0 } },
      {
        actorLabel: 'scim:Entra',
        targetType: 'scim_group',
        targetLabel: 'Audited group',
        details: { operations: ['remove members', 'add members'], membersAdded: 0, membersRemoved: 1 },
      },
    ]);
    const before = (await t.db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0].n;
    const missing = randomUUID();
    expectScimError(await scim('PATCH', `Groups/${missing}`, patchBody({ op: 'Add', path: 'members', value: [{ value: a.id }] })), 404);
    expect((await t.db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0].n).toBe(before);
    expect(await t.db.select().from(scimGroupMembers).where(eq(scimGroupMembers.groupId, missing))).toEqual([]);
  });
});
