import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, teams, users } from '@/server/db/schema';
import { setupTeam } from '@/server/services/team/setup-team';
import { updateTeamSettings } from '@/server/services/team/update-team-settings';
import { createUser } from '@/server/services/users/create-user';
import { setUserRole } from '@/server/services/users/set-user-role';
import { setUserActive } from '@/server/services/users/set-user-active';
import { listUsers } from '@/server/services/users/list-users';
import { authenticatePassword } from '@/server/services/users/authenticate-password';
import { getSessionUser } from '@/server/services/users/get-session-user';
import { listAudit } from '@/server/services/audit/list-audit';
import { createTestDb, type TestDb } from '../helpers/db';
import { actorOf, OWNER_PASSWORD, seedTeam } from '../helpers/fixtures';

let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;

beforeAll(async () => {
  t = await createTestDb();
  seed = await seedTeam(t.db);
});
afterAll(() => t.destroy());

describe('first-run setup', () => {
  it('works exactly once, even when attempts race', async () => {
    const fresh = await createTestDb();
    try {
      const input = (i: number) => ({ teamName: `T${i}`, slug: `team-${i}`, ownerEmail: `o${i}@x.test`, ownerPassword: 'long-enough-password' });
      const results = await Promise.allSettled([0, 1, 2, 3].map((i) => setupTeam(fresh.db, input(i), { type: 'user' })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r) => r.status === 'rejected')) {
        expect((r as PromiseRejectedResult).reason.message).toMatch(/already set up/);
      }
      expect(await fresh.db.select().from(teams)).toHaveLength(1);
      expect(await fresh.db.select().from(users)).toHaveLength(1);
      await expect(setupTeam(fresh.db, input(9), { type: 'cli' })).rejects.toThrow(/already set up/);
    } finally {
      await fresh.destroy();
    }
  });

  it('stores the owner password hashed and records the setup in the audit log', async () => {
    const [owner] = await t.db.select().from(users).where(eq(users.email, 'owner@acme.test'));
    expect(owner.passwordHash).toMatch(/^scrypt\$/);
    expect(owner.passwordHash).not.toContain(OWNER_PASSWORD);
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.action, 'team.setup'));
    expect(entries).toHaveLength(1);
    expect(entries[0].actorLabel).toBe('owner@acme.test');
  });
});

describe('sign-in', () => {
  it('accepts the right password case-insensitively on email, refuses a wrong one, and audits both', async () => {
    const ok = await authenticatePassword(t.db, 'OWNER@acme.test', OWNER_PASSWORD, '10.0.0.1');
    expect(ok.ok).toBe(true);
    const bad = await authenticatePassword(t.db, 'owner@acme.test', 'wrong-password-xx', '10.0.0.1');
    expect(bad).toEqual({ ok: false, reason: 'invalid' });
    const unknown = await authenticatePassword(t.db, 'nobody@acme.test', 'whatever-password', null);
    expect(unknown).toEqual({ ok: false, reason: 'invalid' });
    const { entries } = await listAudit(t.db, { action: 'auth.sign_in' });
    expect(entries.some((e) => e.action === 'auth.sign_in.failed' && e.ip === '10.0.0.1')).toBe(true);
  });
});

describe('roles', () => {
  it('lets Owners create Admins and Owners but not Admins', async () => {
    const admin = actorOf(seed.admin);
    await expect(createUser(t.db, admin, { email: 'x1@acme.test', role: 'owner' })).rejects.toThrow(/Only Owners/);
    await expect(createUser(t.db, admin, { email: 'x2@acme.test', role: 'admin' })).rejects.toThrow(/Only Owners/);
    const u = await createUser(t.db, admin, { email: 'x3@acme.test', role: 'user' });
    expect(u.role).toBe('user');
    const o = await createUser(t.db, seed.ownerActor, { email: 'x4@acme.test', role: 'owner' });
    expect(o.role).toBe('owner');
    // Plain users manage nobody.
    await expect(createUser(t.db, actorOf(seed.user), { email: 'x5@acme.test' })).rejects.toThrow(/Only Owners and Admins/);
  });

  it('rejects a duplicate email (any case) with a clear conflict and leaves data intact', async () => {
    const before = await t.db.select().from(users);
    await expect(createUser(t.db, seed.ownerActor, { email: 'ADMIN@acme.test' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await t.db.select().from(users)).toHaveLength(before.length);
  });

  it('refuses bad input with field errors', async () => {
    await expect(createUser(t.db, seed.ownerActor, { email: 'not-an-email' })).rejects.toThrow(/valid email/);
    await expect(createUser(t.db, seed.ownerActor, { email: 'a@b.test', password: 'short' })).rejects.toThrow(/12 characters/);
  });

  it('never lets the last Owner be demoted or deactivated, even concurrently', async () => {
    const fresh = await createTestDb();
    try {
      const s = await seedTeam(fresh.db);
      await expect(setUserRole(fresh.db, s.ownerActor, { userId: s.owner.id, role: 'admin' })).rejects.toThrow(/last Owner/);
      await expect(setUserActive(fresh.db, s.ownerActor, { userId: s.owner.id, active: false })).rejects.toThrow(/last Owner/);
      const second = await createUser(fresh.db, s.ownerActor, { email: 'o2@acme.test', role: 'owner' });
      // Two owners demote each other at once: exactly one change may win.
      const results = await Promise.allSettled([
        setUserRole(fresh.db, s.ownerActor, { userId: second.id, role: 'admin' }),
        setUserRole(fresh.db, { ...s.ownerActor, id: second.id }, { userId: s.owner.id, role: 'admin' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const owners = await fresh.db.select().from(users).where(eq(users.role, 'owner'));
      expect(owners).toHaveLength(1);
    } finally {
      await fresh.destroy();
    }
  });

  it('ends sessions at once on deactivation and role change', async () => {
    const u = await createUser(t.db, seed.ownerActor, { email: 'sess@acme.test', role: 'admin', password: 'session-password-1' });
    const auth = await authenticatePassword(t.db, 'sess@acme.test', 'session-password-1');
    if (!auth.ok) throw new Error('sign-in failed');
    const sv = auth.user.sessionVersion;
    expect(await getSessionUser(t.db, u.id, sv)).not.toBeNull();
    await setUserRole(t.db, seed.ownerActor, { userId: u.id, role: 'user' });
    expect(await getSessionUser(t.db, u.id, sv)).toBeNull();
    expect(await getSessionUser(t.db, u.id, sv + 1)).not.toBeNull();
    await setUserActive(t.db, seed.ownerActor, { userId: u.id, active: false });
    expect(await getSessionUser(t.db, u.id, sv + 1)).toBeNull();
    expect(await getSessionUser(t.db, u.id, sv + 2)).toBeNull(); // inactive users have no session
    expect(await authenticatePassword(t.db, 'sess@acme.test', 'session-password-1')).toEqual({ ok: false, reason: 'inactive' });
  });

  it('admins cannot change Admins or Owners', async () => {
    const admin = actorOf(seed.admin);
    await expect(setUserRole(t.db, admin, { userId: seed.owner.id, role: 'user' })).rejects.toThrow(/Only Owners/);
    await expect(setUserActive(t.db, admin, { userId: seed.owner.id, active: false })).rejects.toThrow(/Only Owners/);
  });
});

describe('listing', () => {
  it('paginates users by email with a cursor and searches', async () => {
    for (let i = 0; i < 7; i++) await createUser(t.db, seed.ownerActor, { email: `page${i}@list.test` });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const p = await listUsers(t.db, { search: '@list.test', cursor, limit: 3 });
      seen.push(...p.users.map((u) => u.email));
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `page${i}@list.test`));
  });

  it('lists the audit log newest first with cursor pagination and filters', async () => {
    await updateTeamSettings(t.db, seed.ownerActor, { requireApprovalMdm: false });
    await updateTeamSettings(t.db, seed.ownerActor, { requireApprovalMdm: true, name: 'Acme Inc' });
    const first = await listAudit(t.db, { limit: 2 });
    expect(first.entries).toHaveLength(2);
    expect(first.entries[0].id).toBeGreaterThan(first.entries[1].id);
    const second = await listAudit(t.db, { limit: 2, cursor: first.nextCursor! });
    expect(second.entries[0].id).toBeLessThan(first.entries[1].id);
    const settings = await listAudit(t.db, { action: 'team.settings.update', actor: 'owner@' });
    expect(settings.entries).toHaveLength(2);
    expect(settings.entries[0].details).toMatchObject({ changes: { name: { from: 'Acme', to: 'Acme Inc' } } });
    // A no-op update records nothing.
    await updateTeamSettings(t.db, seed.ownerActor, { name: 'Acme Inc' });
    expect((await listAudit(t.db, { action: 'team.settings.update' })).entries).toHaveLength(2);
    // LIKE wildcards in a filter are literal.
    expect((await listAudit(t.db, { actor: '%' })).entries).toHaveLength(0);
  });
});
