// DELETE /Users/{id} (RFC 7644 §3.6): a soft delete. The user is deprovisioned (sessions end,
// devices flagged, certificates revoked per team policy), leaves its groups and disappears from
// SCIM; the row stays for the audit trail and its devices. A later POST with the same userName
// restores it.
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { scimGroupMembers } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { deprovisionUserInTx, publishRevocations } from '../users/deprovision-user';
import { findScimUser } from './scim-users-store';

export async function deleteScimUser(db: Db, actor: Actor, input: { id: string }): Promise<void> {
  const crlAuthorityIds = await db.transaction(async (tx) => {
    const user = await findScimUser(tx, input.id, true);
    const left = await tx.delete(scimGroupMembers).where(eq(scimGroupMembers.userId, user.id)).returning({ groupId: scimGroupMembers.groupId });
    await recordAudit(tx, actor, {
      action: 'scim.user.delete',
      targetType: 'user',
      targetId: user.id,
      targetLabel: user.email,
      details: { userName: user.userName, groupsLeft: left.length },
    });
    return (await deprovisionUserInTx(tx, actor, user, 'deleted')).crlAuthorityIds;
  });
  await publishRevocations(db, crlAuthorityIds);
}
