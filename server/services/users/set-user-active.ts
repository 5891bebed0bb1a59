// Deactivates (removes access) or reactivates a user from the console or CLI. Deactivation is the
// same deprovisioning the identity provider triggers: sessions end at once, devices are flagged,
// and certificates are revoked if the team's policy says so.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { users } from '@/server/db/schema';
import { ServiceError, notFound } from '../errors';
import type { Actor } from '../actor';
import { assertMayManage } from './permissions';
import { lockActiveOwners } from './lock-owners';
import { deprovisionUserInTx, publishRevocations } from './deprovision-user';
import { reactivateUserInTx } from './reactivate-user';

export const setUserActiveInput = z.object({ userId: z.uuid(), active: z.boolean() });

export async function setUserActive(db: Db, actor: Actor, input: z.infer<typeof setUserActiveInput>) {
  let crlAuthorityIds: string[] = [];
  const updated = await db.transaction(async (tx) => {
    const owners = await lockActiveOwners(tx);
    const [user] = await tx.select().from(users).where(eq(users.id, input.userId)).for('update');
    if (!user) throw notFound('User');
    assertMayManage(actor, user.role);
    if (user.active === input.active) return user;
    if (!input.active && owners.length <= 1 && owners.includes(user.id)) {
      throw new ServiceError('PRECONDITION_FAILED', 'The last Owner cannot be removed: make another user an Owner first');
    }
    if (input.active) await reactivateUserInTx(tx, actor, user);
    else crlAuthorityIds = (await deprovisionUserInTx(tx, actor, user, 'deactivated')).crlAuthorityIds;
    const [row] = await tx.select().from(users).where(eq(users.id, user.id));
    return row;
  });
  if (crlAuthorityIds.length) await publishRevocations(db, crlAuthorityIds);
  return updated;
}
