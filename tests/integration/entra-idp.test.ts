// Entra ID sign-in settings against a real OpenID Provider (oidc-provider as the Entra stand-in):
// the metadata is fetched and checked on save, the secret is encrypted, and sign-in maps ID token
// claims to SCIM-provisioned users.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, identityProviders, users } from '@/server/db/schema';
import { ServiceError } from '@/server/services/errors';
import { getEntraIdp, loadEntraIdpForSignIn } from '@/server/services/identity/get-entra-idp';
import { saveEntraIdp } from '@/server/services/identity/save-entra-idp';
import { signInWithEntra } from '@/server/services/identity/sign-in-with-entra';
import { createTestDb, type TestDb } from '../helpers/db';
import { startEntraStandIn, type EntraStandIn } from '../helpers/entra-stand-in';
import { actorOf, seedTeam } from '../helpers/fixtures';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
let idp: EntraStandIn;
let junk: http.Server;
let junkBase: string;
let closedPort: number;

beforeAll(async () => {
  t = await createTestDb();
  seed = await seedTeam(t.db);
  idp = await startEntraStandIn({ redirectUris: ['http://localhost:3000/api/auth/callback/entra'], tenantId: TENANT });
  // A server answering the ways a wrong URL does: HTML, JSON that is not metadata, another tenant's metadata, 404.
  junk = http.createServer((req, res) => {
    if (req.url === '/html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>sign in</html>');
    if (req.url === '/json') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"issuer":"x"}');
    if (req.url === '/other-tenant') {
      const base = 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555';
      return res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ issuer: `${base}/v2.0`, authorization_endpoint: `${base}/oauth2/v2.0/authorize`, token_endpoint: `${base}/oauth2/v2.0/token`, jwks_uri: `${base}/discovery/v2.0/keys` }));
    }
    if (req.url === '/no-tenant')
      return res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_tenant', error_description: 'AADSTS90002: Tenant not found.' }));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => junk.listen(0, '127.0.0.1', r));
  junkBase = `http://127.0.0.1:${(junk.address() as AddressInfo).port}`;
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});

afterAll(async () => {
  await idp?.close();
  junk?.closeAllConnections();
  await new Promise((r) => junk?.close(r));
  await t?.destroy();
});

async function refusal(p: Promise<unknown>): Promise<ServiceError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ServiceError);
  return err as ServiceError;
}

describe('saveEntraIdp', () => {
  it('stores settings validated against the provider metadata, the secret encrypted', async () => {
    const saved = await saveEntraIdp(t.db, seed.ownerActor, { clientId: idp.clientId, clientSecret: idp.clientSecret, tenantId: TENANT, metadataUrl: idp.metadataUrl });
    expect(saved).toMatchObject({ clientId: idp.clientId, tenantId: TENANT, issuer: idp.issuer, metadataUrl: idp.metadataUrl });
    const [row] = await t.db.select().from(identityProviders);
    expect(row.clientSecretEnc).not.toContain(idp.clientSecret);
    expect((await loadEntraIdpForSignIn(t.db))!.clientSecret).toBe(idp.clientSecret);
    expect(await getEntraIdp(t.db)).not.toHaveProperty('clientSecret');
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'identity_provider.create'));
    expect(JSON.stringify(audit.details)).not.toContain(idp.clientSecret);
  });

  it('keeps the secret when the field is left empty on edit', async () => {
    await saveEntraIdp(t.db, seed.ownerActor, { clientId: 'edited-client', clientSecret: '', tenantId: TENANT, metadataUrl: idp.metadataUrl });
    const stored = (await loadEntraIdpForSignIn(t.db))!;
    expect(stored).toMatchObject({ clientId: 'edited-client', clientSecret: idp.clientSecret });
    expect(await t.db.select().from(identityProviders)).toHaveLength(1);
  });

  it('defaults the metadata URL to the tenant document on login.microsoftonline.com', async () => {
    const { entraMetadataUrl } = await import('@/server/services/identity/fetch-oidc-metadata');
    expect(entraMetadataUrl(TENANT)).toBe(`https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`);
  });

  it('is for Owners only', async () => {
    const err = await refusal(saveEntraIdp(t.db, actorOf(seed.admin), { clientId: 'x', clientSecret: 'y', tenantId: TENANT, metadataUrl: idp.metadataUrl }));
    expect(err.code).toBe('FORBIDDEN');
  });

  it.each([
    ['an unknown host', () => 'http://tessera-no-such-host.invalid/.well-known/openid-configuration', /could not be found \(DNS\)/, 'metadataUrl'],
    ['a closed port', () => `http://127.0.0.1:${closedPort}/.well-known/openid-configuration`, /connection was refused/, 'metadataUrl'],
    ['an HTTP error', () => `${junkBase}/missing`, /answered HTTP 404/, 'metadataUrl'],
    ['a page that is not JSON', () => `${junkBase}/html`, /did not return JSON/, 'metadataUrl'],
    ['JSON that is not metadata', () => `${junkBase}/json`, /authorization_endpoint, token_endpoint, jwks_uri are missing/, 'metadataUrl'],
    ["another tenant's metadata", () => `${junkBase}/other-tenant`, /is for tenant 11111111-2222-3333-4444-555555555555/, 'tenantId'],
    ['a tenant Entra does not know', () => `${junkBase}/no-tenant`, /does not know this tenant/, 'tenantId'],
  ])('refuses %s with a clear message', async (_what, url, message, field) => {
    const err = await refusal(saveEntraIdp(t.db, seed.ownerActor, { clientId: 'c', clientSecret: 's', tenantId: TENANT, metadataUrl: url() }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(message);
    expect(err.field).toBe(field);
  });

  it('refuses a tenant id that is not a GUID and a malformed URL', async () => {
    await expect(saveEntraIdp(t.db, seed.ownerActor, { clientId: 'c', clientSecret: 's', tenantId: 'contoso' })).rejects.toThrow(/Directory \(tenant\) ID/);
    await expect(saveEntraIdp(t.db, seed.ownerActor, { clientId: 'c', clientSecret: 's', tenantId: TENANT, metadataUrl: 'ftp://x' })).rejects.toThrow(/http\(s\) URL/);
  });
});

describe('signInWithEntra', () => {
  const oid = randomUUID();
  beforeAll(async () => {
    await t.db.insert(users).values([
      { email: 'dana@acme.test', source: 'scim', userName: 'dana@acme.test', externalId: oid },
      { email: 'erin@acme.test', source: 'scim', userName: 'erin@acme.test', externalId: randomUUID() },
      { email: 'gone@acme.test', source: 'scim', userName: 'gone@acme.test', externalId: randomUUID(), active: false },
    ]);
  });

  it('matches by object id first, then by email (case-insensitive)', async () => {
    const byOid = await signInWithEntra(t.db, { oid, tid: TENANT, email: 'renamed@acme.test' }, TENANT);
    expect(byOid).toMatchObject({ ok: true, user: { email: 'dana@acme.test' } });
    const byEmail = await signInWithEntra(t.db, { sub: 'pairwise-sub', tid: TENANT, preferred_username: 'USER@Acme.test' }, TENANT);
    expect(byEmail).toMatchObject({ ok: true, user: { email: 'user@acme.test' } });
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.targetLabel, 'dana@acme.test'));
    expect(audit).toMatchObject({ action: 'auth.sign_in', details: { method: 'entra', oid } });
  });

  it('refuses another tenant, unknown and deactivated users, and an email owned by another object id', async () => {
    expect(await signInWithEntra(t.db, { oid, tid: randomUUID(), email: 'dana@acme.test' }, TENANT)).toEqual({ ok: false, reason: 'wrong_tenant' });
    expect(await signInWithEntra(t.db, { oid, email: 'dana@acme.test' }, TENANT)).toEqual({ ok: false, reason: 'wrong_tenant' });
    expect(await signInWithEntra(t.db, { oid: randomUUID(), tid: TENANT, email: 'nobody@acme.test' }, TENANT)).toEqual({ ok: false, reason: 'unknown' });
    expect(await signInWithEntra(t.db, { oid: randomUUID(), tid: TENANT, email: 'gone@acme.test' }, TENANT)).toMatchObject({ ok: false });
    expect(await signInWithEntra(t.db, { oid: randomUUID(), tid: TENANT, email: 'erin@acme.test' }, TENANT)).toEqual({ ok: false, reason: 'mismatch' });
    const refused = await t.db.select().from(auditLog).where(eq(auditLog.action, 'auth.sign_in.refused'));
    expect(refused.length).toBeGreaterThanOrEqual(5);
  });
});
