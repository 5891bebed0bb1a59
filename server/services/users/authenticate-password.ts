// Email + password sign-in for local accounts. Every attempt is audited; the answer never tells
// whether the account exists. Refused outright while the team has password sign-in turned off.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { teams, users } from '@/server/db/schema';
import { verifyPassword } from '@/lib/password';
import { recordAudit } from '../audit/record-audit';

export type AuthResult =
  | { ok: true; user: { id: string; email: string; name: string | null; role: string; sessionVersion: number } }
  | { ok: false; reason: 'invalid' | 'inactive' | 'password_disabled' };

export async function authenticatePassword(db: Db, email: string, password: string, ip?: string | null): Promise<AuthResult> {
  const normalized = email.trim().toLowerCase();
  // With password sign-in turned off, every attempt is refused before the password is checked, so
  // the answer says nothing about the account.
  const [team] = await db.select({ passwordSignInEnabled: teams.passwordSignInEnabled }).from(teams).limit(1);
  if (team && !team.passwordSignInEnabled) {
    await recordAudit(db, { type: 'user', id: null, label: normalized.slice(0, 254), ip }, {
      action: 'auth.sign_in.refused',
      targetType: 'user',
      targetLabel: normalized.slice(0, 254),
      details: { method: 'password', reason: 'password_sign_in_disabled' },
    });
    return { ok: false, reason: 'password_disabled' };
  }
  const [user] = await db.select().from(users).where(eq(sql`lower(${users.email})`, normalized)).limit(1);
  const ok = await verifyPassword(password, user?.passwordHash);
  if (!user || !ok) {
    await recordAudit(db, { type: 'user', id: user?.id ?? null, label: normalized.slice(0, 254), ip }, {
      action: 'auth.sign_in.failed',
      targetType: 'user',
      targetId: user?.id ?? null,
      targetLabel: normalized.slice(0, 254),
    });
    return { ok: false, reason: 'invalid' };
  }
  if (!user.active) {
    await recordAudit(db, { type: 'user', id: user.id, label: user.email, ip }, {
      action: 'auth.sign_in.refused',
      targetType: 'user',
      targetId: user.id,
      targetLabel: user.email,
      details: { reason: 'deactivated' },
    });
    return { ok: false, reason: 'inactive' };
  }
  await db.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
  await recordAudit(db, { type: 'user', id: user.id, label: user.email, ip }, {
    action: 'auth.sign_in',
    targetType: 'user',
    targetId: user.id,
    targetLabel: user.email,
    details: { method: 'password' },
  });
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion },
  };
}
