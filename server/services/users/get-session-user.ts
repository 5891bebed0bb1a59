import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { users, type UserRole } from '@/server/db/schema';

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
}

/** The user behind a session token, or null if they were deactivated or their sessions revoked. */
export async function getSessionUser(db: Db, userId: string, sessionVersion: number): Promise<SessionUser | null> {
  const [u] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!u || !u.active || u.sessionVersion !== sessionVersion) return null;
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}
