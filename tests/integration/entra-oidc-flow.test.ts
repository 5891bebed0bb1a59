// Entra ID sign-in end to end through NextAuth's real OIDC flow (authorization code + PKCE, state
// and nonce), with oidc-provider standing in for Entra. The stand-in is then made to issue bad ID
// tokens; each must be refused with an error for the sign-in page and no session.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { decode } from 'next-auth/jwt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authOptions } from '@/server/auth/options';
import { getUserFromHeaders } from '@/server/auth/current-user';
import { auditLog, users } from '@/server/db/schema';
import { saveEntraIdp } from '@/server/services/identity/save-entra-idp';
import { APP_ORIGIN, AuthBrowser, signInThroughStandIn } from '../helpers/auth-flow';
import { installTestDb, type TestDb } from '../helpers/db';
import { startEntraStandIn, type EntraStandIn } from '../helpers/entra-stand-in';
import { seedTeam } from '../helpers/fixtures';

const TENANT = '5b1d0c4e-7a8f-4e2b-9c3d-1f2e3a4b5c6d';
const DANA = { oid: randomUUID(), email: 'dana.sso@acme.test', name: 'Dana Sso' };
let t: TestDb;
let idp: EntraStandIn;

beforeAll(async () => {
  t = await installTestDb();
  const seed = await seedTeam(t.db);
  idp = await startEntraStandIn({ redirectUris: [`${APP_ORIGIN}/api/auth/callback/entra`], tenantId: TENANT, accounts: { dana: DANA } });
  await saveEntraIdp(t.db, seed.ownerActor, { clientId: idp.clientId, clientSecret: idp.clientSecret, tenantId: TENANT, metadataUrl: idp.metadataUrl });
  await t.db.insert(users).values({ email: DANA.email, name: DANA.name, source: 'scim', userName: DANA.email, externalId: DANA.oid });
});
afterEach(() => idp.tamperIdTokens(null));
afterAll(async () => {
  await idp?.close();
  await t?.destroy();
});

async function sessionUserOf(browser: AuthBrowser) {
  const token = browser.sessionToken();
  if (!token) return null;
  return getUserFromHeaders(new Headers({ cookie: `next-auth.session-token=${token}` }));
}

describe('Entra ID sign-in through the OIDC flow', () => {
  it('signs a provisioned user in: session for the matched Tessera user, opened with Entra ID', async () => {
    const browser = new AuthBrowser();
    const res = await signInThroughStandIn(browser, 'dana');
    expect(res.location).toBe(`${APP_ORIGIN}/`);
    const user = await sessionUserOf(browser);
    expect(user).toMatchObject({ email: DANA.email, role: 'user', signInMethod: 'entra' });
    const claims = await decode({ token: browser.sessionToken()!, secret: authOptions().secret! });
    expect(claims).toMatchObject({ am: 'entra' });
    const [row] = await t.db.select().from(users).where(eq(users.email, DANA.email));
    expect(row.lastSsoSignInAt).toBeInstanceOf(Date);
  });

  it('accepts a token the stand-in re-signed unchanged (so each refusal below is the one changed claim)', async () => {
    idp.tamperIdTokens({ claims: (c) => c });
    const browser = new AuthBrowser();
    await signInThroughStandIn(browser, 'dana');
    expect(await sessionUserOf(browser)).toMatchObject({ email: DANA.email });
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ['a wrong audience', { claims: (c: Record<string, unknown>) => ({ ...c, aud: 'some-other-application' }) }, 'OAuthCallback'],
    ['a wrong issuer', { claims: (c: Record<string, unknown>) => ({ ...c, iss: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0' }) }, 'OAuthCallback'],
    ['an expired token', { claims: (c: Record<string, unknown>) => ({ ...c, iat: now() - 7200, exp: now() - 3600 }) }, 'OAuthCallback'],
    ['a nonce from another sign-in', { claims: (c: Record<string, unknown>) => ({ ...c, nonce: 'not-the-nonce-of-this-sign-in' }) }, 'OAuthCallback'],
    ['a signature by an unknown key', { foreignKey: true }, 'OAuthCallback'],
    ['another tenant (tid)', { claims: (c: Record<string, unknown>) => ({ ...c, tid: '99999999-8888-7777-6666-555555555555' }) }, 'EntraWrongTenant'],
  ])('refuses an ID token with %s: error page, no session', async (_what, tamper, code) => {
    idp.tamperIdTokens(tamper);
    const browser = new AuthBrowser();
    const res = await signInThroughStandIn(browser, 'dana');
    expect(res.status).toBe(302);
    const landed = new URL(res.location!, APP_ORIGIN);
    expect(landed.pathname).toBe('/signin');
    expect(landed.searchParams.get('error')).toBe(code);
    expect(browser.sessionToken()).toBeUndefined();
    expect(res.setCookies.some((c) => c.startsWith('next-auth.session-token='))).toBe(false);
    expect(await sessionUserOf(browser)).toBeNull();
  });

  it('audits the refusal of another tenant, and still signs in once the tokens are right again', async () => {
    const refused = await t.db.select().from(auditLog).where(eq(auditLog.action, 'auth.sign_in.refused'));
    expect(refused.some((r) => (r.details as { reason?: string }).reason === 'wrong_tenant')).toBe(true);
    const browser = new AuthBrowser();
    await signInThroughStandIn(browser, 'dana');
    expect(await sessionUserOf(browser)).toMatchObject({ email: DANA.email });
  });

  it('refuses someone Entra knows but Tessera does not', async () => {
    const browser = new AuthBrowser();
    const res = await signInThroughStandIn(browser, 'mallory');
    expect(res.location).toBe(`${APP_ORIGIN}/signin?error=EntraUnknownUser`);
    expect(browser.sessionToken()).toBeUndefined();
  });
});
