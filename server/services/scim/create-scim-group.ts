// POST /Groups (RFC 7644 §3.3). Entra creates a group without members and adds them by PATCH, but
// members in the body are stored too.
import type { Db } from '@/server/db';
import { scimGroups } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { normalizeGroup, renderGroup, type Json } from './scim-resource';
import { addGroupMembers, membersOfGroups } from './scim-groups-store';

export async function createScimGroup(db: Db, actor: Actor, input: { body: unknown; baseUrl: string }): Promise<Json> {
  const next = normalizeGroup(input.body);
  const group = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(scimGroups)
      .values({ displayName: next.displayName, externalId: next.externalId, attributes: next.document })
      .returning();
    const added = next.memberIds ? await addGroupMembers(tx, row.id, next.memberIds) : 0;
    await recordAudit(tx, actor, {
      action: 'scim.group.create',
      targetType: 'scim_group',
      targetId: row.id,
      targetLabel: row.displayName,
      details: { externalId: row.externalId, membersAdded: added },
    });
    return row;
  });
  const members = next.memberIds ? (await membersOfGroups(db, [group.id])).get(group.id) : undefined;
  return renderGroup(group, input.baseUrl, members);
}
