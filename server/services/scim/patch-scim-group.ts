// PATCH /Groups/{id} (RFC 7644 §3.5.2). Member operations arrive from applyPatch as a delta and
// become at most three set-based statements (clear, remove listed, add listed); the membership is
// never loaded. Answers 204 like Microsoft's reference service: Entra reads nothing back, and a
// body would mean loading every member.
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { scimGroups } from '@/server/db/schema';
import { applyPatch } from '@/lib/scim/apply-patch';
import { formatAttributePath } from '@/lib/scim/attribute-path';
import { parsePatch } from '@/lib/scim/parse-patch';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { normalizeGroup, type Json } from './scim-resource';
import { addGroupMembers, clearGroupMembers, findScimGroup, removeGroupMembers } from './scim-groups-store';

export async function patchScimGroup(db: Db, actor: Actor, input: { id: string; body: unknown }): Promise<void> {
  const operations = parsePatch(input.body);
  await db.transaction(async (tx) => {
    const group = await findScimGroup(tx, input.id, true);
    const stored: Json = { ...group.attributes, id: group.id };
    const { resource, members, changed } = applyPatch(stored, operations, { membersAttribute: 'members' });
    if (!changed) return;

    const next = normalizeGroup(resource);
    const attributesChanged = JSON.stringify(next.document) !== JSON.stringify(group.attributes);
    const cleared = members.removeAll ? await clearGroupMembers(tx, group.id) : 0;
    const removed = await removeGroupMembers(tx, group.id, members.removed);
    const added = await addGroupMembers(tx, group.id, members.added);
    await tx
      .update(scimGroups)
      .set({
        ...(attributesChanged ? { displayName: next.displayName, externalId: next.externalId, attributes: next.document } : {}),
        updatedAt: new Date(),
      })
      .where(eq(scimGroups.id, group.id));
    await recordAudit(tx, actor, {
      action: 'scim.group.update',
      targetType: 'scim_group',
      targetId: group.id,
      targetLabel: next.displayName,
      details: {
        operations: operations.map((o) => `${o.op} ${formatAttributePath(o.path)}`).slice(0, 20),
        membersAdded: added,
        membersRemoved: removed + cleared,
      },
    });
  });
}
