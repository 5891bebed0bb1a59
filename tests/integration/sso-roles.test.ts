// Roles for people provisioned by the identity provider: Owners choose which SSO users are Admins
// or Owners (Owners create Admins), Admins cannot; a change ends the user's sessions and is audited,
// and later SCIM updates from Entra leave the role alone.
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '@/server/api/root';
import { createCallerFactory } from '@/server/api/trpc';
import { auditLog, identityProviders, users } from '@/server/db/schema';
import { createScimToken } from '@/server/services/scim/create-scim-token';
import { signInWithEntra } from '@/server/services/identity/sign-in-with-entra';
import { getSessionUser } from '@/server/services/users/get-session-user';
import type { SessionUser } from '@/server/services/users/get-session-user';
import { installTestDb, type TestDb } from '../helpers/db';
import { seedTeam } from '../helpers/fixtures';
import { scimClient } from '../helpers/scim';

const TENANT = '7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a';
let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
let scim: ReturnType<typeof scimClient>;
let pat: { id: string; sessionVersion: number };

beforeAll(async () => {
  t = await installTestDb();
  seed = await seedTeam(t.db);
  // Entra ID sessions live only while Entra ID is connected (the secret is never used here).
  await t.db.insert(identityProviders).values({ kind: 'entra', clientId: 'c', clientSecretEnc: 'unused', tenantId: TENANT, metadataUrl: 'https://idp.test/.well-known/openid-configuration', issuer: 'https://idp.test' });
  scim = scimClient((await createScimToken(t.db, seed.ownerActor, { name: 'Entra' })).token);
  const res = await scim('POST', 'Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'pat@acme.test',
    externalId: 'pat-oid',
    active: true,
    displayName: 'Pat',
    emails: [{ primary: true, type: 'work', value: 'pat@acme.test' }],
  });
  expect(res.status).toBe(201);
  const signedIn = await signInWithEntra(t.db, { oid: 'pat-oid', tid: TENANT }, TENANT);
  if (!signedIn.ok) throw new Error('SSO sign-in failed');
  pat = { id: signedIn.user.id, sessionVersion: signedIn.user.sessionVersion };
});
afterAll(() => t.destroy());

const as = (user: SessionUser) => createCallerFactory(appRouter)({ db: t.db, user, ip: null });
const codeOf = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof TRPCError ? e.code : String(e)));

describe('roles for SSO users', () => {
  it('Admins cannot make an SSO user an Admin or Owner', async () => {
    expect(await codeOf(as(seed.admin).users.setRole({ userId: pat.id, role: 'admin' }))).toBe('FORBIDDEN');
    expect(await codeOf(as(seed.admin).users.setRole({ userId: pat.id, role: 'owner' }))).toBe('FORBIDDEN');
    expect(await codeOf(as(seed.user).users.setRole({ userId: pat.id, role: 'admin' }))).toBe('FORBIDDEN');
    const [row] = await t.db.select().from(users).where(eq(users.id, pat.id));
    expect(row.role).toBe('user');
  });

  it('an Owner makes them an Admin: their session ends, the change is audited', async () => {
    expect(await getSessionUser(t.db, pat.id, pat.sessionVersion, 'entra')).toMatchObject({ role: 'user' });
    expect(await as(seed.owner).users.setRole({ userId: pat.id, role: 'admin' })).toEqual({ id: pat.id, role: 'admin' });
    expect(await getSessionUser(t.db, pat.id, pat.sessionVersion, 'entra')).toBeNull();
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'user.role.update'));
    expect(audit).toMatchObject({ actorLabel: 'owner@acme.test', targetId: pat.id, details: { from: 'user', to: 'admin' } });
    // Signing in again gives a session with the new role.
    const again = await signInWithEntra(t.db, { oid: 'pat-oid', tid: TENANT }, TENANT);
    if (!again.ok) throw new Error('SSO sign-in failed');
    expect(await getSessionUser(t.db, pat.id, again.user.sessionVersion, 'entra')).toMatchObject({ role: 'admin' });
  });

  it('an Owner makes them an Owner; an Admin then cannot touch them', async () => {
    await as(seed.owner).users.setRole({ userId: pat.id, role: 'owner' });
    expect(await codeOf(as(seed.admin).users.setRole({ userId: pat.id, role: 'user' }))).toBe('FORBIDDEN');
    expect(await codeOf(as(seed.admin).users.setActive({ userId: pat.id, active: false }))).toBe('FORBIDDEN');
  });

  it('SCIM updates from Entra keep the role Tessera gave', async () => {
    const res = await scim('PATCH', `Users/${pat.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'Pat Renamed' }],
    });
    expect(res.status).toBe(200);
    const put = await scim('PUT', `Users/${pat.id}`, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'pat@acme.test',
      externalId: 'pat-oid',
      active: true,
      displayName: 'Pat Put',
    });
    expect(put.status).toBe(200);
    const [row] = await t.db.select().from(users).where(eq(users.id, pat.id));
    expect(row.role).toBe('owner');
  });
});
