// PUT /Groups/{id} (RFC 7644 §3.5.1): attributes and membership are replaced by the body's.
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { scimGroups } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { normalizeGroup, renderGroup, type Json } from './scim-resource';
import { addGroupMembers, clearGroupMembers, findScimGroup, membersOfGroups } from './scim-groups-store';

export async function replaceScimGroup(db: Db, actor: Actor, input: { id: string; body: unknown; baseUrl: string }): Promise<Json> {
  const next = normalizeGroup(input.body);
  const group = await db.transaction(async (tx) => {
    await findScimGroup(tx, input.id, true);
    const [row] = await tx
      .update(scimGroups)
      .set({ displayName: next.displayName, externalId: next.externalId, attributes: next.document, updatedAt: new Date() })
      .where(eq(scimGroups.id, input.id))
      .returning();
    const removed = await clearGroupMembers(tx, row.id);
    const added = await addGroupMembers(tx, row.id, next.memberIds ?? []);
    await recordAudit(tx, actor, {
      action: 'scim.group.replace',
      targetType: 'scim_group',
      targetId: row.id,
      targetLabel: row.displayName,
      details: { membersBefore: removed, membersAfter: added },
    });
    return row;
  });
  const members = (await membersOfGroups(db, [group.id])).get(group.id);
  return renderGroup(group, input.baseUrl, members);
}
