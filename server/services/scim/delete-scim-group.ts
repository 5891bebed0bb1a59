// DELETE /Groups/{id} (RFC 7644 §3.6): the group and its memberships go; the users stay.
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { scimGroups } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { findScimGroup } from './scim-groups-store';

export async function deleteScimGroup(db: Db, actor: Actor, input: { id: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const group = await findScimGroup(tx, input.id, true);
    await tx.delete(scimGroups).where(eq(scimGroups.id, group.id));
    await recordAudit(tx, actor, { action: 'scim.group.delete', targetType: 'scim_group', targetId: group.id, targetLabel: group.displayName });
  });
}
