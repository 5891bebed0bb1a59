// Turning local password sign-in off once SSO works: the lockout guard, what "off" means for the
// sign-in flow, sessions and invitations, removing the identity provider, and the break-glass CLI.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommands, type Io } from '@/server/cli/framework';
import { commands } from '@/server/cli/main';
import { auditLog, identityProviders, teams, users } from '@/server/db/schema';
import { ServiceError } from '@/server/services/errors';
import { NO_IDP_MESSAGE, NO_SSO_OWNER_MESSAGE, getPasswordSignInStatus } from '@/server/services/identity/get-password-sign-in-status';
import { REMOVE_WHILE_SSO_ONLY_MESSAGE, removeEntraIdp } from '@/server/services/identity/remove-entra-idp';
import { saveEntraIdp } from '@/server/services/identity/save-entra-idp';
import { setPasswordSignIn } from '@/server/services/identity/set-password-sign-in';
import { signInWithEntra } from '@/server/services/identity/sign-in-with-entra';
import { acceptInvitation } from '@/server/services/invitations/accept-invitation';
import { INVITE_WHILE_SSO_ONLY_MESSAGE, createInvitation } from '@/server/services/invitations/create-invitation';
import { findInvitation } from '@/server/services/invitations/find-invitation';
import { authenticatePassword } from '@/server/services/users/authenticate-password';
import { getSessionUser } from '@/server/services/users/get-session-user';
import { APP_ORIGIN, AuthBrowser } from '../helpers/auth-flow';
import { installTestDb, type TestDb } from '../helpers/db';
import { startEntraStandIn, type EntraStandIn } from '../helpers/entra-stand-in';
import { OWNER_PASSWORD, actorOf, seedTeam } from '../helpers/fixtures';

const TENANT = '0c8a7b6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
let idp: EntraStandIn;

beforeAll(async () => {
  t = await installTestDb();
  seed = await seedTeam(t.db);
  idp = await startEntraStandIn({ redirectUris: [`${APP_ORIGIN}/api/auth/callback/entra`], tenantId: TENANT });
});
afterAll(async () => {
  await idp?.close();
  await t?.destroy();
});

async function refusal(p: Promise<unknown>): Promise<ServiceError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ServiceError);
  return err as ServiceError;
}

async function cli(argv: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin };
  const code = await runCommands(commands, argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const passwordEnabled = async () => (await t.db.select({ v: teams.passwordSignInEnabled }).from(teams))[0].v;
const ownerSso = (tid = TENANT) => signInWithEntra(t.db, { oid: 'owner-object-id', tid, email: 'owner@acme.test' }, TENANT);

describe('the lockout guard', () => {
  it('refuses while no identity provider is connected', async () => {
    const err = await refusal(setPasswordSignIn(t.db, seed.ownerActor, { enabled: false }, { signInMethod: 'entra' }));
    expect(err).toMatchObject({ code: 'PRECONDITION_FAILED', message: NO_IDP_MESSAGE });
    expect(await getPasswordSignInStatus(t.db)).toMatchObject({ enabled: true, idpConfigured: false, disableBlockedBy: NO_IDP_MESSAGE });
    expect((await cli(['auth', 'password-signin', 'disable'])).err).toContain(NO_IDP_MESSAGE);
    expect(await passwordEnabled()).toBe(true);
  });

  it('is for Owners only', async () => {
    expect((await refusal(setPasswordSignIn(t.db, actorOf(seed.admin), { enabled: false }))).code).toBe('FORBIDDEN');
  });

  it('refuses until an Owner has signed in with Entra ID since its settings were saved', async () => {
    await saveEntraIdp(t.db, seed.ownerActor, { clientId: idp.clientId, clientSecret: idp.clientSecret, tenantId: TENANT, metadataUrl: idp.metadataUrl });
    // A plain user's SSO sign-in proves nothing for the Owners; nor does an Owner's from before the settings.
    await t.db.insert(users).values({ email: 'sso.user@acme.test', source: 'scim', userName: 'sso.user@acme.test', externalId: 'user-oid' });
    expect(await signInWithEntra(t.db, { oid: 'user-oid', tid: TENANT }, TENANT)).toMatchObject({ ok: true });
    await t.db.update(users).set({ lastSsoSignInAt: sql`now() - interval '1 day'` }).where(eq(users.id, seed.owner.id));
    const err = await refusal(setPasswordSignIn(t.db, seed.ownerActor, { enabled: false }, { signInMethod: 'password' }));
    expect(err).toMatchObject({ code: 'PRECONDITION_FAILED', message: NO_SSO_OWNER_MESSAGE });
    expect((await cli(['auth', 'password-signin', 'disable', '--json'])).code).toBe(1);
    expect(await passwordEnabled()).toBe(true);
  });

  it('accepts an Owner signed in through Entra ID right now', async () => {
    const status = await setPasswordSignIn(t.db, seed.ownerActor, { enabled: false }, { signInMethod: 'entra' });
    expect(status.enabled).toBe(false);
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'auth.password_sign_in.disable'));
    expect(audit).toMatchObject({ actorLabel: 'owner@acme.test', details: { actingViaSso: true } });
    await setPasswordSignIn(t.db, seed.ownerActor, { enabled: true });
  });

  it('accepts anyone with Owner rights once an Owner has signed in through Entra ID', async () => {
    expect(await ownerSso()).toMatchObject({ ok: true });
    expect((await getPasswordSignInStatus(t.db)).ssoOwners).toEqual(['owner@acme.test']);
    const off = await cli(['auth', 'password-signin', 'disable']);
    expect(off.code, off.err).toBe(0);
    expect(off.out).toMatch(/disabled/);
    expect(await passwordEnabled()).toBe(false);
    const status = JSON.parse((await cli(['auth', 'password-signin', 'status', '--json'])).out);
    expect(status).toMatchObject({ enabled: false, idpConfigured: true, ssoOwners: ['owner@acme.test'] });
  });
});

describe('while password sign-in is off', () => {
  it('refuses every password sign-in before checking the password, and audits it', async () => {
    expect(await authenticatePassword(t.db, 'owner@acme.test', OWNER_PASSWORD)).toEqual({ ok: false, reason: 'password_disabled' });
    expect(await authenticatePassword(t.db, 'nobody@acme.test', 'whatever-password')).toEqual({ ok: false, reason: 'password_disabled' });
    const refused = await t.db.select().from(auditLog).where(eq(auditLog.action, 'auth.sign_in.refused'));
    expect(refused.filter((r) => (r.details as { reason?: string }).reason === 'password_sign_in_disabled')).toHaveLength(2);
  });

  it('answers the credentials sign-in with PasswordSignInDisabled (the message the sign-in page shows)', async () => {
    const browser = new AuthBrowser();
    const { csrfToken } = (await browser.call('GET', ['csrf'])).body as { csrfToken: string };
    const res = await browser.call('POST', ['callback', 'credentials'], { body: { csrfToken, email: 'owner@acme.test', password: OWNER_PASSWORD, json: 'true' } });
    const url = new URL((res.body as { url: string }).url);
    expect(url.searchParams.get('error')).toBe('PasswordSignInDisabled');
    expect(browser.sessionToken()).toBeUndefined();
  });

  it('ends password sessions, keeps Entra ID ones', async () => {
    const [owner] = await t.db.select().from(users).where(eq(users.id, seed.owner.id));
    expect(await getSessionUser(t.db, owner.id, owner.sessionVersion, 'password')).toBeNull();
    expect(await getSessionUser(t.db, owner.id, owner.sessionVersion, 'entra')).toMatchObject({ email: 'owner@acme.test', signInMethod: 'entra' });
  });

  it('refuses new invitations and the acceptance of pending ones with a clear message', async () => {
    await t.db.update(teams).set({ passwordSignInEnabled: true });
    const pending = await createInvitation(t.db, actorOf(seed.admin), { email: 'late@acme.test' });
    await t.db.update(teams).set({ passwordSignInEnabled: false });
    const create = await refusal(createInvitation(t.db, actorOf(seed.admin), { email: 'new@acme.test' }));
    expect(create).toMatchObject({ code: 'PRECONDITION_FAILED', message: INVITE_WHILE_SSO_ONLY_MESSAGE });
    expect(await findInvitation(t.db, pending.token)).toMatchObject({ state: 'pending', passwordSignIn: false });
    const accept = await refusal(acceptInvitation(t.db, { token: pending.token, password: 'a-long-password-1' }));
    expect(accept.code).toBe('PRECONDITION_FAILED');
    expect(accept.message).toMatch(/Microsoft Entra ID only/);
    expect(await t.db.select().from(users).where(eq(users.email, 'late@acme.test'))).toHaveLength(0);
  });

  it('refuses to remove the identity provider (it is the only way in)', async () => {
    const err = await refusal(removeEntraIdp(t.db, seed.ownerActor));
    expect(err).toMatchObject({ code: 'PRECONDITION_FAILED', message: REMOVE_WHILE_SSO_ONLY_MESSAGE });
    const viaCli = await cli(['idp', 'remove']);
    expect(viaCli.code).toBe(1);
    expect(viaCli.err).toContain('Turn password sign-in back on first');
    expect(await t.db.select().from(identityProviders)).toHaveLength(1);
  });
});

describe('break-glass and removal', () => {
  it('`auth password-signin enable` turns passwords back on without any precondition, audited', async () => {
    const on = await cli(['auth', 'password-signin', 'enable', '--json']);
    expect(on.code, on.err).toBe(0);
    expect(JSON.parse(on.out)).toMatchObject({ enabled: true });
    expect(await authenticatePassword(t.db, 'owner@acme.test', OWNER_PASSWORD)).toMatchObject({ ok: true });
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'auth.password_sign_in.enable')).orderBy(sql`${auditLog.id} desc`).limit(1);
    expect(audit.actorType).toBe('cli');
  });

  it('removes the identity provider (Owners only, audited) and ends Entra ID sessions', async () => {
    expect((await refusal(removeEntraIdp(t.db, actorOf(seed.admin)))).code).toBe('FORBIDDEN');
    const [owner] = await t.db.select().from(users).where(eq(users.id, seed.owner.id));
    expect(await removeEntraIdp(t.db, seed.ownerActor)).toMatchObject({ removed: true, tenantId: TENANT });
    expect(await t.db.select().from(identityProviders)).toHaveLength(0);
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'identity_provider.delete'));
    expect(audit).toMatchObject({ actorLabel: 'owner@acme.test', details: { tenantId: TENANT } });
    expect(JSON.stringify(audit.details)).not.toContain(idp.clientSecret);
    expect(await getSessionUser(t.db, owner.id, owner.sessionVersion, 'entra')).toBeNull();
    expect(await getSessionUser(t.db, owner.id, owner.sessionVersion, 'password')).not.toBeNull();
    expect((await refusal(removeEntraIdp(t.db, seed.ownerActor))).code).toBe('NOT_FOUND');
  });
});
