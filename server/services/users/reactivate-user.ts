// Reactivation by the identity provider (SCIM active:true after active:false): the user may sign
// in again and their devices lose the deprovisioned flag. Revoked certificates stay revoked and
// quarantined devices stay quarantined: an admin decides whether they come back.
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { devices, users, type User } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { deviceLabel } from '../devices/record-device-source';

/** For a caller holding the user's row lock in `tx`. */
export async function reactivateUserInTx(tx: Db, actor: Actor, user: User): Promise<{ devicesUnflagged: number }> {
  const now = new Date();
  // sessionVersion is left as deactivation bumped it: sessions from before stay ended.
  await tx.update(users).set({ active: true, updatedAt: now }).where(eq(users.id, user.id));
  const flagged = await tx
    .update(devices)
    .set({ ownerDeprovisionedAt: null, updatedAt: now })
    .where(and(eq(devices.ownerUserId, user.id), isNotNull(devices.ownerDeprovisionedAt)))
    .returning();
  for (const device of flagged) {
    await recordAudit(tx, actor, {
      action: 'device.owner_reactivated',
      targetType: 'device',
      targetId: device.id,
      targetLabel: deviceLabel(device),
      details: { userId: user.id, user: user.email },
    });
  }
  await recordAudit(tx, actor, {
    action: 'user.reactivate',
    targetType: 'user',
    targetId: user.id,
    targetLabel: user.email,
    details: { devicesUnflagged: flagged.length, certificatesRestored: 0 },
  });
  return { devicesUnflagged: flagged.length };
}
