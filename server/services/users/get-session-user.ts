// The user behind a session token, re-checked on every request: deactivation, a role change
// (sessionVersion) and the team's sign-in rules take effect at once. A password session ends when
// password sign-in is turned off; an Entra ID session ends when the identity provider is removed.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { identityProviders, teams, users, type UserRole } from '@/server/db/schema';

export type SignInMethod = 'password' | 'entra';

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
  /** How this session was opened; tokens from before it was recorded count as password sessions. */
  signInMethod?: SignInMethod;
}

/** The user behind a session token, or null if they were deactivated or their sessions revoked. */
export async function getSessionUser(db: Db, userId: string, sessionVersion: number, signInMethod: SignInMethod = 'password'): Promise<SessionUser | null> {
  const [row] = await db
    .select({
      u: users,
      passwordSignIn: sql<boolean>`coalesce((select ${teams.passwordSignInEnabled} from ${teams} limit 1), true)`,
      idp: sql<boolean>`exists (select 1 from ${identityProviders} where ${identityProviders.kind} = 'entra')`,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  const u = row?.u;
  if (!u || !u.active || u.sessionVersion !== sessionVersion) return null;
  if (signInMethod === 'password' && !row.passwordSignIn) return null;
  if (signInMethod === 'entra' && !row.idp) return null;
  return { id: u.id, email: u.email, name: u.name, role: u.role, signInMethod };
}
