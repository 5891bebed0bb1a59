import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { users } from '@/server/db/schema';

/** The Tessera user with this email, if one exists: a device's owner is linked to it. */
export async function ownerUserIdFor(db: Db, email: string | null | undefined): Promise<string | null> {
  if (!email) return null;
  const [u] = await db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, email.toLowerCase())).limit(1);
  return u?.id ?? null;
}
