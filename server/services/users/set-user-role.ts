import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { users } from '@/server/db/schema';
import { roleSchema } from '@/lib/validation';
import { recordAudit } from '../audit/record-audit';
import { ServiceError, notFound } from '../errors';
import type { Actor } from '../actor';
import { assertMayGrant, assertMayManage } from './permissions';
import { lockActiveOwners } from './lock-owners';

export const setUserRoleInput = z.object({ userId: z.uuid(), role: roleSchema });

export async function setUserRole(db: Db, actor: Actor, input: z.infer<typeof setUserRoleInput>) {
  return db.transaction(async (tx) => {
    const owners = await lockActiveOwners(tx);
    const [user] = await tx.select().from(users).where(eq(users.id, input.userId)).for('update');
    if (!user) throw notFound('User');
    assertMayManage(actor, user.role);
    assertMayGrant(actor, input.role);
    if (user.role === input.role) return user;
    if (user.role === 'owner' && owners.length <= 1 && owners.includes(user.id)) {
      throw new ServiceError('PRECONDITION_FAILED', 'The last Owner cannot be demoted: make another user an Owner first');
    }
    const [updated] = await tx
      .update(users)
      // A role change ends the user's sessions so the new rights apply at once.
      .set({ role: input.role, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, user.id))
      .returning();
    await recordAudit(tx, actor, {
      action: 'user.role.update',
      targetType: 'user',
      targetId: user.id,
      targetLabel: user.email,
      details: { from: user.role, to: input.role },
    });
    return updated;
  });
}
