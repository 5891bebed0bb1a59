import { and, eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { users } from '@/server/db/schema';

/** Locks the active Owners' rows so that two concurrent changes cannot remove the last one. */
export async function lockActiveOwners(tx: Db): Promise<string[]> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'owner'), eq(users.active, true)))
    .for('update');
  return rows.map((r) => r.id);
}
