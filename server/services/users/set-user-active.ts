// Deactivates (removes access) or reactivates a user. Deactivation ends their sessions at once.
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { users } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import { ServiceError, notFound } from '../errors';
import type { Actor } from '../actor';
import { assertMayManage } from './permissions';
import { lockActiveOwners } from './lock-owners';

export const setUserActiveInput = z.object({ userId: z.uuid(), active: z.boolean() });

export async function setUserActive(db: Db, actor: Actor, input: z.infer<typeof setUserActiveInput>) {
  return db.transaction(async (tx) => {
    const owners = await lockActiveOwners(tx);
    const [user] = await tx.select().from(users).where(eq(users.id, input.userId)).for('update');
    if (!user) throw notFound('User');
    assertMayManage(actor, user.role);
    if (user.active === input.active) return user;
    if (!input.active && owners.length <= 1 && owners.includes(user.id)) {
      throw new ServiceError('PRECONDITION_FAILED', 'The last Owner cannot be removed: make another user an Owner first');
    }
    const [updated] = await tx
      .update(users)
      .set({
        active: input.active,
        sessionVersion: input.active ? users.sessionVersion : sql`${users.sessionVersion} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(users.id, user.id))
      .returning();
    await recordAudit(tx, actor, {
      action: input.active ? 'user.reactivate' : 'user.deactivate',
      targetType: 'user',
      targetId: user.id,
      targetLabel: user.email,
    });
    return updated;
  });
}
