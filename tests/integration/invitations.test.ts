// Manual self-enrollment by invitation: Admins invite by email, the link (256-bit token, stored as
// SHA-256) works once within 7 days unless revoked, and the invitee gets a plain User account.
import { TRPCError } from '@trpc/server';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '@/server/api/root';
import { createCallerFactory } from '@/server/api/trpc';
import { auditLog, invitations, users } from '@/server/db/schema';
import { hashToken } from '@/lib/tokens';
import { ServiceError } from '@/server/services/errors';
import { acceptInvitation } from '@/server/services/invitations/accept-invitation';
import { createInvitation } from '@/server/services/invitations/create-invitation';
import { findInvitation } from '@/server/services/invitations/find-invitation';
import { listInvitations } from '@/server/services/invitations/list-invitations';
import { revokeInvitation } from '@/server/services/invitations/revoke-invitation';
import { authenticatePassword } from '@/server/services/users/authenticate-password';
import { createTestDb, type TestDb } from '../helpers/db';
import { actorOf, seedTeam } from '../helpers/fixtures';

let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
const PASSWORD = 'invited-password-1';

beforeAll(async () => {
  t = await createTestDb();
  seed = await seedTeam(t.db);
});
afterAll(() => t.destroy());

const asAdmin = () => actorOf(seed.admin);
const anonymous = () => createCallerFactory(appRouter)({ db: t.db, user: null, ip: '203.0.113.9' });

async function refusal(p: Promise<unknown>): Promise<ServiceError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ServiceError);
  return err as ServiceError;
}

describe('creating invitations', () => {
  it('returns a 256-bit token once and stores only its SHA-256', async () => {
    const inv = await createInvitation(t.db, asAdmin(), { email: 'Casey@Example.test', name: 'Casey' });
    expect(inv.token).toMatch(/^tinv_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(inv.token.slice(5), 'base64url')).toHaveLength(32);
    const [row] = await t.db.select().from(invitations).where(eq(invitations.id, inv.id));
    expect(row).toMatchObject({ email: 'casey@example.test', name: 'Casey', tokenHash: hashToken(inv.token), createdByLabel: 'admin@acme.test' });
    expect(JSON.stringify(row)).not.toContain(inv.token);
    const days = (row.expiresAt.getTime() - row.createdAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(7, 2);
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'invitation.create'));
    expect(audit).toMatchObject({ targetId: inv.id, targetLabel: 'casey@example.test' });
    expect(JSON.stringify(audit)).not.toContain(inv.token);
  });

  it('refuses plain users, existing users and bad input', async () => {
    expect((await refusal(createInvitation(t.db, actorOf(seed.user), { email: 'x@example.test' }))).code).toBe('FORBIDDEN');
    const dup = await refusal(createInvitation(t.db, asAdmin(), { email: 'USER@acme.test' }));
    expect(dup).toMatchObject({ code: 'CONFLICT', field: 'email' });
    await expect(createInvitation(t.db, asAdmin(), { email: 'not-an-email' })).rejects.toThrow(/valid email/);
  });

  it('replaces a pending invitation for the same address: the old link stops working', async () => {
    const first = await createInvitation(t.db, asAdmin(), { email: 'drew@example.test' });
    const second = await createInvitation(t.db, asAdmin(), { email: 'drew@example.test' });
    expect(await findInvitation(t.db, first.token)).toEqual({ state: 'revoked' });
    expect(await findInvitation(t.db, second.token)).toMatchObject({ state: 'pending', email: 'drew@example.test', teamName: 'Acme' });
  });
});

describe('accepting', () => {
  it('creates a plain User with the password, once; the password then signs in', async () => {
    const inv = await createInvitation(t.db, asAdmin(), { email: 'erin@example.test', name: 'Erin' });
    const user = await acceptInvitation(t.db, { token: inv.token, password: PASSWORD, name: 'Erin E.' }, '198.51.100.7');
    expect(user).toMatchObject({ email: 'erin@example.test', name: 'Erin E.', role: 'user' });
    expect(await authenticatePassword(t.db, 'erin@example.test', PASSWORD)).toMatchObject({ ok: true, user: { role: 'user' } });
    const again = await refusal(acceptInvitation(t.db, { token: inv.token, password: PASSWORD }));
    expect(again).toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringMatching(/already been used/) });
    expect(await findInvitation(t.db, inv.token)).toEqual({ state: 'accepted' });
    const [row] = await t.db.select().from(invitations).where(eq(invitations.id, inv.id));
    expect(row.acceptedUserId).toBe(user.id);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.actorLabel, 'erin@example.test'));
    expect(audits.map((a) => a.action).sort()).toEqual(['auth.sign_in', 'invitation.accept', 'user.create']);
    expect(audits.find((a) => a.action === 'invitation.accept')!.ip).toBe('198.51.100.7');
  });

  it('works exactly once when two submissions race', async () => {
    const inv = await createInvitation(t.db, asAdmin(), { email: 'race@example.test' });
    const results = await Promise.allSettled([
      acceptInvitation(t.db, { token: inv.token, password: PASSWORD }),
      acceptInvitation(t.db, { token: inv.token, password: PASSWORD }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await t.db.select().from(users).where(eq(users.email, 'race@example.test'))).toHaveLength(1);
  });

  it('applies the same password rules as setup', async () => {
    const inv = await createInvitation(t.db, asAdmin(), { email: 'short@example.test' });
    await expect(acceptInvitation(t.db, { token: inv.token, password: 'short' })).rejects.toThrow(/at least 12 characters/);
    expect(await findInvitation(t.db, inv.token)).toMatchObject({ state: 'pending' });
  });

  it('refuses expired, revoked and unknown links with their own message', async () => {
    const expired = await createInvitation(t.db, asAdmin(), { email: 'late@example.test' });
    await t.db.update(invitations).set({ expiresAt: sql`now() - interval '1 minute'` }).where(eq(invitations.id, expired.id));
    expect(await findInvitation(t.db, expired.token)).toEqual({ state: 'expired' });
    expect((await refusal(acceptInvitation(t.db, { token: expired.token, password: PASSWORD }))).message).toMatch(/expired/);

    const revoked = await createInvitation(t.db, asAdmin(), { email: 'gone@example.test' });
    await revokeInvitation(t.db, asAdmin(), revoked.id);
    expect(await findInvitation(t.db, revoked.token)).toEqual({ state: 'revoked' });
    expect((await refusal(acceptInvitation(t.db, { token: revoked.token, password: PASSWORD }))).message).toMatch(/withdrawn/);

    for (const token of ['', 'tinv_short', `tinv_${'A'.repeat(43)}`, 'x'.repeat(150)]) {
      expect(await findInvitation(t.db, token)).toEqual({ state: 'invalid' });
      expect((await refusal(acceptInvitation(t.db, { token, password: PASSWORD }))).code).toBe('NOT_FOUND');
    }
    expect(await t.db.select().from(users).where(sql`${users.email} in ('late@example.test', 'gone@example.test')`)).toHaveLength(0);
  });

  it('refuses when someone created the account meanwhile (e.g. SCIM), without a 5xx', async () => {
    const inv = await createInvitation(t.db, asAdmin(), { email: 'scim.first@example.test' });
    await t.db.insert(users).values({ email: 'scim.first@example.test', source: 'scim', userName: 'scim.first@example.test' });
    const err = await refusal(acceptInvitation(t.db, { token: inv.token, password: PASSWORD }));
    expect(err).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already exists/) });
  });
});

describe('revoking and listing', () => {
  it('revokes pending invitations only, audited; lists newest first with status and a cursor', async () => {
    const inv = await createInvitation(t.db, asAdmin(), { email: 'frank@example.test' });
    expect(await revokeInvitation(t.db, asAdmin(), inv.id)).toMatchObject({ revoked: true });
    expect(await revokeInvitation(t.db, asAdmin(), inv.id)).toMatchObject({ revoked: true }); // idempotent
    const [audit] = await t.db.select().from(auditLog).where(sql`${auditLog.action} = 'invitation.revoke' and ${auditLog.targetId} = ${inv.id}`);
    expect(audit.actorLabel).toBe('admin@acme.test');
    const accepted = (await listInvitations(t.db, { limit: 100 })).invitations.find((i) => i.status === 'accepted')!;
    expect((await refusal(revokeInvitation(t.db, asAdmin(), accepted.id))).code).toBe('PRECONDITION_FAILED');
    expect((await refusal(revokeInvitation(t.db, actorOf(seed.user), inv.id))).code).toBe('FORBIDDEN');

    const all = (await listInvitations(t.db, { limit: 100 })).invitations;
    expect(all[0].email).toBe('frank@example.test');
    expect(new Set(all.map((i) => i.status))).toEqual(new Set(['pending', 'accepted', 'expired', 'revoked']));
    expect(all[0]).not.toHaveProperty('tokenHash');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listInvitations(t.db, { limit: 3, cursor });
      seen.push(...page.invitations.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.map((i) => i.id));
    await expect(listInvitations(t.db, { cursor: 'garbage' })).rejects.toThrow(/cursor/);
  });
});

describe('through tRPC, as the invitee (no session)', () => {
  it('looks up and accepts with the token alone; bad tokens are 4xx, never 5xx', async () => {
    const inv = await createInvitation(t.db, asAdmin(), { email: 'gale@example.test' });
    const caller = anonymous();
    expect(await caller.invitations.lookup({ token: inv.token })).toMatchObject({ state: 'pending', email: 'gale@example.test' });
    expect(await caller.invitations.accept({ token: inv.token, password: PASSWORD })).toEqual({ email: 'gale@example.test' });
    for (const [input, code] of [
      [{ token: inv.token, password: PASSWORD }, 'PRECONDITION_FAILED'],
      [{ token: 'tinv_nope', password: PASSWORD }, 'NOT_FOUND'],
      [{ token: inv.token, password: 'short' }, 'BAD_REQUEST'],
    ] as const) {
      const err = await caller.invitations.accept(input).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe(code);
    }
  });
});
