// The authorization matrix: every tRPC procedure and every route handler, tried as anonymous,
// User, Admin and Owner. A procedure or route that is not listed here fails the test, so new ones
// must declare their rule.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '@/server/api/root';
import { createCallerFactory, type Context } from '@/server/api/trpc';
import type { SessionUser } from '@/server/services/users/get-session-user';
import { installTestDb, type TestDb } from '../helpers/db';
import { seedTeam, sessionCookie } from '../helpers/fixtures';
import { createApiToken } from '@/server/services/api-tokens/create-api-token';
import { createScimToken } from '@/server/services/scim/create-scim-token';

type Access = 'public' | 'authed' | 'admin' | 'owner';
type Role = 'anonymous' | 'user' | 'admin' | 'owner';

let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;

// input: a value, or a function building one from the seeded data (valid for an Admin, so that a
// refusal can only come from the role check).
const procedures: Record<string, { access: Access; input?: (s: typeof seed) => unknown }> = {
  'setup.status': { access: 'public' },
  'setup.create': {
    access: 'public',
    input: () => ({ teamName: 'X', slug: 'xyz', ownerEmail: 'x@x.test', ownerPassword: 'long-enough-password' }),
  },
  'team.get': { access: 'admin' },
  'team.update': { access: 'admin', input: () => ({ idpSelfEnrollment: false }) },
  'users.me': { access: 'authed' },
  'users.list': { access: 'admin', input: () => ({}) },
  'users.create': { access: 'admin', input: () => ({ email: `${randomUUID()}@m.test`, role: 'user' }) },
  'users.setRole': { access: 'admin', input: (s) => ({ userId: s.user.id, role: 'user' }) },
  'users.setActive': { access: 'admin', input: (s) => ({ userId: s.user.id, active: true }) },
  'audit.list': { access: 'admin', input: () => ({}) },
  'overview.get': { access: 'admin' },
  'devices.list': { access: 'admin', input: () => ({}) },
  'devices.count': { access: 'admin', input: () => ({}) },
  'devices.stats': { access: 'admin' },
  'devices.get': { access: 'admin', input: () => ({ id: randomUUID() }) },
  'devices.create': { access: 'admin', input: () => ({ permanentIdentifier: `SER${randomUUID().slice(0, 8)}` }) },
  'devices.update': { access: 'admin', input: () => ({ id: randomUUID(), changes: { displayName: 'x' } }) },
  'devices.setApproval': { access: 'admin', input: () => ({ deviceIds: [randomUUID()], decision: 'approved' }) },
  'devices.tag': { access: 'admin', input: () => ({ deviceIds: [randomUUID()], add: ['x'] }) },
  'devices.setLifecycle': { access: 'admin', input: () => ({ id: randomUUID(), status: 'active' }) },
  'devices.delete': { access: 'admin', input: () => ({ id: randomUUID() }) },
  'devices.importCsv': { access: 'admin', input: () => ({ csv: 'serial\nABCD1234', commit: false }) },
  'pki.authority': { access: 'admin' },
  'pki.certificates': { access: 'admin', input: () => ({}) },
  'pki.revoke': { access: 'admin', input: () => ({ serialHex: 'abcdef01' }) },
  'pki.rotateRa': { access: 'owner', input: () => ({ confirm: true }) },
  'pki.regenerateCrl': { access: 'admin' },
  'integrations.list': { access: 'admin' },
  'integrations.createFleet': { access: 'admin', input: () => ({ name: `fleet ${randomUUID()}`, url: 'https://fleet.example.com', apiToken: 't', startSync: false }) },
  'integrations.createJamf': { access: 'admin', input: () => ({ authMethod: 'basic', name: `jamf ${randomUUID()}`, url: 'http://127.0.0.1:9', username: 'u', password: 'p' }) },
  'integrations.test': { access: 'admin', input: () => ({ id: randomUUID() }) },
  'integrations.syncNow': { access: 'admin', input: () => ({ id: randomUUID() }) },
  'integrations.status': { access: 'admin', input: () => ({ id: randomUUID() }) },
  'integrations.update': { access: 'admin', input: () => ({ id: randomUUID(), name: 'x' }) },
  'integrations.disconnect': { access: 'admin', input: () => ({ id: randomUUID(), removeDevices: false }) },
  'integrations.rotateChallenge': { access: 'admin', input: () => ({ id: randomUUID() }) },
  'apiTokens.list': { access: 'admin' },
  'apiTokens.create': { access: 'admin', input: () => ({ name: 'matrix' }) },
  'apiTokens.revoke': { access: 'admin', input: () => ({ id: randomUUID() }) },
  'users.get': { access: 'admin', input: (s) => ({ id: s.user.id }) },
  'scimTokens.list': { access: 'admin' },
  'scimTokens.create': { access: 'admin', input: () => ({ name: 'matrix' }) },
  'scimTokens.revoke': { access: 'admin', input: () => ({ id: randomUUID() }) },
  'groups.list': { access: 'admin', input: () => ({}) },
  'identity.get': { access: 'admin' },
  // Port 9 refuses the connection: an Owner gets BAD_REQUEST from the metadata check, not a role error.
  'identity.saveEntra': {
    access: 'owner',
    input: () => ({ clientId: 'c', clientSecret: 's', tenantId: '00000000-0000-0000-0000-000000000001', metadataUrl: 'http://127.0.0.1:9/.well-known/openid-configuration' }),
  },
  // Nothing is connected: an Owner gets NOT_FOUND.
  'identity.removeEntra': { access: 'owner' },
  'identity.passwordSignIn': { access: 'admin' },
  // Already on: an Owner's call changes nothing.
  'identity.setPasswordSignIn': { access: 'owner', input: () => ({ enabled: true }) },
  'invitations.list': { access: 'admin', input: () => ({}) },
  'invitations.create': { access: 'admin', input: () => ({ email: `${randomUUID()}@invite.test` }) },
  'invitations.revoke': { access: 'admin', input: () => ({ id: randomUUID() }) },
  // The invitee has no session: the token in the link is the credential (unknown ones: NOT_FOUND).
  'invitations.lookup': { access: 'public', input: () => ({ token: 'tinv_unknown' }) },
  'invitations.accept': { access: 'public', input: () => ({ token: 'tinv_unknown', password: 'long-enough-password' }) },
  // Every signed-in person has "My devices", whatever their role; each sees only their own.
  'myDevices.list': { access: 'authed' },
  'myDevices.info': { access: 'authed' },
  'myDevices.enroll': { access: 'authed', input: () => ({ displayName: 'Matrix laptop', serial: `MTX${randomUUID().slice(0, 8)}`, os: 'Linux' }) },
  // TPM attestation CA: the EK policy is an approval policy (Admin); trust anchors are an Owner's call.
  'attestation.summary': { access: 'admin' },
  'attestation.updateSettings': { access: 'admin', input: () => ({ tpmEkWithoutCertificate: 'registered-only' }) },
  // Not a certificate: an Owner gets BAD_REQUEST; an unknown id: NOT_FOUND.
  'attestation.addEkRoot': { access: 'owner', input: () => ({ name: 'matrix', pem: 'not a certificate' }) },
  'attestation.removeEkRoot': { access: 'owner', input: () => ({ id: randomUUID() }) },
};

// Route handlers (app/**/route.ts), by URL pattern: which methods they export and who may call.
// 'trpc' routes defer to the procedure matrix; 'nextauth' is NextAuth's own sign-in endpoint.
type RouteModule = Record<string, (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>>;

// REST API routes: every method refuses a request without a valid API token (401), and accepts
// one with a token (whatever the business answer, it is not 401/403).
function apiTokenProbe(load: () => Promise<unknown>, params: Record<string, string>) {
  return async () => {
    const mod = (await load()) as RouteModule;
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => m in mod)) {
      for (const auth of [undefined, 'Bearer tsr_wrong', `Bearer ${apiToken}`]) {
        const headers: Record<string, string> = { 'x-smallstep-api-version': '2025-01-01', 'content-type': 'application/json' };
        if (auth) headers.authorization = auth;
        const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
        const res = await mod[method](new Request('http://t.test/api/v1/x', { method, headers, body }), { params: Promise.resolve(params) });
        if (auth === `Bearer ${apiToken}`) expect([401, 403], `${method} with a token`).not.toContain(res.status);
        else expect(res.status, `${method} with ${auth ?? 'no token'}`).toBe(401);
      }
    }
  };
}

// Console routes outside tRPC: a session cookie decides; anonymous → 401, User → 403.
function sessionProbe(load: () => Promise<unknown>, url: string, access: 'admin') {
  return async () => {
    const mod = (await load()) as RouteModule;
    for (const role of ['anonymous', 'user', 'admin', 'owner'] as Role[]) {
      const u = userFor(role);
      const headers: Record<string, string> = u ? { cookie: await sessionCookie(u) } : {};
      const res = await mod.GET(new Request(url, { headers }), { params: Promise.resolve({}) });
      const expected = allowed(access, role) ? 200 : role === 'anonymous' ? 401 : 403;
      expect(res.status, `${url} as ${role}`).toBe(expected);
      await res.body?.cancel();
    }
  };
}

// SCIM: every method refuses a request without a SCIM token, with a wrong one or with a REST API
// token (401 in the SCIM error schema), and accepts a SCIM token (whatever the SCIM answer).
function scimTokenProbe() {
  return async () => {
    const mod = (await import('@/app/scim/v2/[...path]/route')) as unknown as RouteModule;
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      for (const auth of [undefined, 'Bearer tscim_wrong', `Bearer ${apiToken}`, `Bearer ${scimToken}`]) {
        const headers: Record<string, string> = { 'content-type': 'application/scim+json' };
        if (auth) headers.authorization = auth;
        const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
        const path = method === 'GET' || method === 'POST' ? ['Users'] : ['Users', randomUUID()];
        const res = await mod[method](new Request(`http://t.test/scim/v2/${path.join('/')}`, { method, headers, body }), {
          params: Promise.resolve({ path } as never),
        });
        if (auth === `Bearer ${scimToken}`) {
          expect([401, 403], `${method} with a SCIM token`).not.toContain(res.status);
          continue;
        }
        expect(res.status, `${method} with ${auth ?? 'no token'}`).toBe(401);
        expect(await res.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
      }
    }
  };
}

const someDevice = { deviceID: '00000000-0000-0000-0000-000000000000' };

const routes: Record<string, { methods: string[]; access: 'public' | 'trpc' | 'nextauth' | 'api-token' | 'scim-token' | 'session' | 'scep' | 'basic' | 'cron-secret' | 'acme-jws' | 'tpm-possession'; probe?: () => Promise<void> }> = {
  '/scim/v2/[...path]': { methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], access: 'scim-token', probe: scimTokenProbe() },
  '/api/devices/export': {
    methods: ['GET'],
    access: 'session',
    probe: sessionProbe(() => import('@/app/api/devices/export/route'), 'http://t.test/api/devices/export?source=api', 'admin'),
  },
  // SCEP is public by protocol: a PKCSReq is authorised by its single-use challenge, a RenewalReq
  // by a certificate Tessera issued (tests/integration/scep.test.ts). Unknown endpoints are 404.
  '/scep/[integrationId]': {
    methods: ['GET', 'POST'],
    access: 'scep',
    probe: async () => {
      const { GET } = await import('@/app/scep/[integrationId]/route');
      const res = await GET(new Request('http://t.test/scep/x?operation=GetCACaps'), { params: Promise.resolve({ integrationId: randomUUID() }) });
      expect(res.status).toBe(404);
    },
  },
  '/scep/[integrationId]/pkiclient.exe': { methods: ['GET', 'POST'], access: 'scep' },
  // ACME: the directory and nonces are public; every other request is a JWS signed by an account key
  // (tests/integration/acme.test.ts). A console session grants nothing here.
  '/acme/[...path]': {
    methods: ['GET', 'POST', 'HEAD'],
    access: 'acme-jws',
    probe: async () => {
      const { GET, POST, HEAD } = await import('@/app/acme/[...path]/route');
      const at = (path: string[]) => ({ params: Promise.resolve({ path } as never) });
      expect((await GET(new Request('http://t.test/acme/agents/directory'), at(['agents', 'directory']))).status).toBe(200);
      expect((await HEAD(new Request('http://t.test/acme/agents/new-nonce', { method: 'HEAD' }), at(['agents', 'new-nonce']))).status).toBe(200);
      for (const role of ['anonymous', 'user', 'admin', 'owner'] as Role[]) {
        const u = userFor(role);
        const headers: Record<string, string> = { 'content-type': 'application/jose+json', ...(u ? { cookie: await sessionCookie(u) } : {}) };
        const res = await POST(new Request('http://t.test/acme/agents/new-order', { method: 'POST', headers, body: '{}' }), at(['agents', 'new-order']));
        expect(res.status, role).toBe(400);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        const order = await POST(new Request(`http://t.test/acme/agents/order/${randomUUID()}`, { method: 'POST', headers, body: '{}' }), at(['agents', 'order', randomUUID()]));
        expect(order.status, role).toBe(400);
      }
    },
  },
  // TPM attestation CA: no credentials by design; possession is the proof. ak-challenge answers only
  // for an EK whose manufacturer certificate verifies (or, without one, per the team setting), and
  // only the TPM holding that EK with the named AK loaded can recover the secret ak-activate wants
  // (tests/integration/attestation-ca.test.ts). A console session grants nothing here.
  '/attestation/v1/ak-challenge': {
    methods: ['POST'],
    access: 'tpm-possession',
    probe: async () => {
      const { POST } = await import('@/app/attestation/v1/ak-challenge/route');
      for (const role of ['anonymous', 'owner'] as Role[]) {
        const u = userFor(role);
        const res = await POST(new Request('http://t.test/attestation/v1/ak-challenge', { method: 'POST', headers: { 'content-type': 'application/json', ...(u ? { cookie: await sessionCookie(u) } : {}) }, body: '{}' }));
        expect(res.status, role).toBe(400);
        expect((await res.json()).message).toMatch(/akPublic/);
      }
    },
  },
  '/attestation/v1/ak-activate': {
    methods: ['POST'],
    access: 'tpm-possession',
    probe: async () => {
      const { POST } = await import('@/app/attestation/v1/ak-activate/route');
      const body = JSON.stringify({ sessionId: randomUUID(), secret: Buffer.alloc(32).toString('base64') });
      const res = await POST(new Request('http://t.test/attestation/v1/ak-activate', { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
      expect(res.status).toBe(404);
    },
  },
  // The attestation CA root, public like the Agents root.
  '/attestation/v1/root': {
    methods: ['GET'],
    access: 'public',
    probe: async () => {
      const { GET } = await import('@/app/attestation/v1/root/route');
      const res = await GET();
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('BEGIN CERTIFICATE');
    },
  },
  // Fleet's challenge webhook: HTTP Basic with the connection's challenge credentials.
  '/webhook/[integrationId]/challenge': {
    methods: ['POST'],
    access: 'basic',
    probe: async () => {
      const { POST } = await import('@/app/webhook/[integrationId]/challenge/route');
      for (const auth of [undefined, 'Basic Zm9vOmJhcg==', 'Bearer x']) {
        const res = await POST(new Request('http://t.test/webhook/x/challenge', { method: 'POST', body: '{}', headers: auth ? { authorization: auth } : {} }), {
          params: Promise.resolve({ integrationId: randomUUID() }),
        });
        expect(res.status).toBe(401);
      }
    },
  },
  '/pki/[authority]/[file]': {
    methods: ['GET'],
    access: 'public',
    probe: async () => {
      const { GET } = await import('@/app/pki/[authority]/[file]/route');
      const ok = await GET(new Request('http://t.test/pki/agents/root.pem'), { params: Promise.resolve({ authority: 'agents', file: 'root.pem' }) });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('BEGIN CERTIFICATE');
      const missing = await GET(new Request('http://t.test/pki/agents/secret'), { params: Promise.resolve({ authority: 'agents', file: 'key.pem' }) });
      expect(missing.status).toBe(404);
    },
  },
  '/api/integrations/[id]/profiles/[kind]': {
    methods: ['GET'],
    access: 'session',
    probe: async () => {
      const { createFleetIntegration } = await import('@/server/services/integrations/create-fleet-integration');
      const f = await createFleetIntegration(t.db, seed.ownerActor, { name: 'matrix-fleet', url: 'https://fleet.example.com', apiToken: 'x' });
      const mod = await import('@/app/api/integrations/[id]/profiles/[kind]/route');
      for (const role of ['anonymous', 'user', 'admin', 'owner'] as Role[]) {
        const u = userFor(role);
        const res = await mod.GET(new Request('http://t.test/x', { headers: u ? { cookie: await sessionCookie(u) } : {} }), {
          params: Promise.resolve({ id: f.integration.id, kind: 'mobileconfig' }),
        });
        expect(res.status, role).toBe(allowed('admin', role) ? 200 : role === 'anonymous' ? 401 : 403);
      }
    },
  },
  '/api/cron/mdm-sync': {
    methods: ['GET', 'POST'],
    access: 'cron-secret',
    probe: async () => {
      const { GET } = await import('@/app/api/cron/mdm-sync/route');
      const { resetEnvCache } = await import('@/lib/env');
      process.env.CRON_SECRET = 'cron-secret-for-the-matrix-test';
      resetEnvCache();
      try {
        for (const auth of [undefined, 'Bearer wrong-secret-wrong-secret', 'cron-secret-for-the-matrix-test']) {
          const res = await GET(new Request('http://t.test/api/cron/mdm-sync', { headers: auth ? { authorization: auth } : {} }));
          expect(res.status).toBe(401);
        }
        const ok = await GET(new Request('http://t.test/api/cron/mdm-sync', { headers: { authorization: 'Bearer cron-secret-for-the-matrix-test' } }));
        expect(ok.status).toBe(200);
      } finally {
        delete process.env.CRON_SECRET;
        resetEnvCache();
      }
    },
  },
  '/api/v1/devices': { methods: ['GET', 'POST'], access: 'api-token', probe: apiTokenProbe(() => import('@/app/api/v1/devices/route'), {}) },
  '/api/v1/devices/[deviceID]': {
    methods: ['GET', 'PATCH', 'DELETE'],
    access: 'api-token',
    probe: apiTokenProbe(() => import('@/app/api/v1/devices/[deviceID]/route'), someDevice),
  },
  '/api/v1/devices/[deviceID]/lifecycle': {
    methods: ['PATCH'],
    access: 'api-token',
    probe: apiTokenProbe(() => import('@/app/api/v1/devices/[deviceID]/lifecycle/route'), someDevice),
  },
  '/api/v1/collections/[collectionSlug]/instances/[instanceID]': {
    methods: ['PUT'],
    access: 'api-token',
    probe: apiTokenProbe(() => import('@/app/api/v1/collections/[collectionSlug]/instances/[instanceID]/route'), {
      collectionSlug: 'default',
      instanceID: 'SERIAL123',
    }),
  },
  '/api/health': {
    methods: ['GET'],
    access: 'public',
    probe: async () => {
      const { GET } = await import('@/app/api/health/route');
      const res = await GET();
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', migrations: { current: true } });
    },
  },
  '/api/openapi.json': {
    methods: ['GET'],
    access: 'public',
    probe: async () => {
      const { GET } = await import('@/app/api/openapi.json/route');
      const res = GET();
      expect(res.status).toBe(200);
      expect((await res.json()).openapi).toMatch(/^3\./);
    },
  },
  '/api/trpc/[trpc]': { methods: ['GET', 'POST'], access: 'trpc' },
  '/api/auth/[...nextauth]': { methods: ['GET', 'POST'], access: 'nextauth' },
};

const allowed = (access: Access, role: Role) =>
  access === 'public' ||
  (access === 'authed' && role !== 'anonymous') ||
  (access === 'admin' && (role === 'admin' || role === 'owner')) ||
  (access === 'owner' && role === 'owner');

let apiToken = '';
let scimToken = '';

beforeAll(async () => {
  t = await installTestDb();
  seed = await seedTeam(t.db);
  apiToken = (await createApiToken(t.db, seed.ownerActor, { name: 'matrix' })).token;
  scimToken = (await createScimToken(t.db, seed.ownerActor, { name: 'matrix' })).token;
});
afterAll(() => t.destroy());

const factory = createCallerFactory(appRouter);

function userFor(role: Role): SessionUser | null {
  if (role === 'anonymous') return null;
  return seed[role];
}

async function call(pathName: string, role: Role, input: unknown) {
  const ctx: Context = { db: t.db, user: userFor(role), ip: '127.0.0.1' };
  let fn: unknown = factory(ctx);
  for (const part of pathName.split('.')) fn = (fn as Record<string, unknown>)[part];
  return (fn as (i: unknown) => Promise<unknown>)(input);
}

describe('tRPC authorization matrix', () => {
  it('lists every procedure of the router', () => {
    const actual = Object.keys(appRouter._def.procedures).sort();
    expect(actual).toEqual(Object.keys(procedures).sort());
  });

  for (const [name, rule] of Object.entries(procedures)) {
    for (const role of ['anonymous', 'user', 'admin', 'owner'] as Role[]) {
      const expectation = allowed(rule.access, role) ? 'allowed' : 'refused';
      it(`${name} as ${role} is ${expectation}`, async () => {
        let error: unknown;
        try {
          await call(name, role, rule.input?.(seed));
        } catch (e) {
          error = e;
        }
        const code = error instanceof TRPCError ? error.code : undefined;
        if (expectation === 'allowed') {
          // Business errors (e.g. "already set up") may happen; an auth refusal may not.
          expect(code === 'UNAUTHORIZED' || code === 'FORBIDDEN', `${name} refused ${role}: ${String(error)}`).toBe(false);
          if (error && !(error instanceof TRPCError)) throw error;
        } else {
          expect(code).toBe(role === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN');
        }
      });
    }
  }
});

describe('route handler matrix', () => {
  const appDir = path.resolve('app');
  const found: Record<string, string[]> = {};
  (function walk(dir: string) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name === 'route.ts') {
        const url = '/' + path.relative(appDir, path.dirname(p)).split(path.sep).filter((s) => !/^\(.*\)$/.test(s)).join('/');
        const src = fs.readFileSync(p, 'utf8');
        found[url] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].filter((m) =>
          new RegExp(`export (const|async function|function) ${m}\\b|as ${m}\\b`).test(src),
        );
      }
    }
  })(appDir);

  it('lists every route handler with its methods', () => {
    expect(Object.keys(found).sort()).toEqual(Object.keys(routes).sort());
    for (const [url, r] of Object.entries(routes)) expect(found[url], url).toEqual(r.methods);
  });

  for (const [url, r] of Object.entries(routes)) {
    if (!r.probe) continue;
    it(`${url} enforces its rule (${r.access})`, r.probe);
  }
});
