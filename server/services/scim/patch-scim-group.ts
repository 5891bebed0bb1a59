// PATCH /Groups/{id} (RFC 7644 §3.5.2). Member operations arrive from applyPatch as a delta and
// become at most three set-based statements (clear, remove listed, add listed); the membership is
// never loaded. Answers 204 like Microsoft's reference service: Entra reads nothing back, and a
// body would mean loading every member.
// Entra's own membership PATCHes (Add members, Remove members[value eq "…"], Remove members with a
// value list) change nothing but the join table, and a cycle sends one per batch of members: those
// are one prepared statement (removals, additions, lastModified, audit row), without a transaction.
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { auditLog, scimGroupMembers, scimGroups, users } from '@/server/db/schema';
import { applyPatch, type MemberChanges } from '@/lib/scim/apply-patch';
import { formatAttributePath } from '@/lib/scim/attribute-path';
import { parsePatch, type PatchOperation } from '@/lib/scim/parse-patch';
import { isCoreSchema } from '@/lib/scim/schemas';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { AUDIT_FIELDS, auditParams, auditPlaceholders, prepareOnce } from './prepared-queries';
import { normalizeGroup, type Json } from './scim-resource';
import { addGroupMembers, clearGroupMembers, findScimGroup, groupNotFound, idList, removeGroupMembers } from './scim-groups-store';
import { isUuid } from './scim-users-store';

export async function patchScimGroup(db: Db, actor: Actor, input: { id: string; body: unknown }): Promise<void> {
  const operations = parsePatch(input.body);
  if (await patchMembersOnly(db, actor, input.id, operations)) return;
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
      details: { operations: operationNames(operations), membersAdded: added, membersRemoved: removed + cleared },
    });
  });
}

const operationNames = (operations: readonly PatchOperation[]) => operations.map((o) => `${o.op} ${formatAttributePath(o.path)}`).slice(0, 20);

// One statement, in the order the transaction above takes: lock the group row by updating its
// lastModified, delete the listed members, insert the listed SCIM-visible users (present ones and
// unknown ids skipped), and write the audit row with the counts. A missing group touches nothing.
const patchMembersStatement = prepareOnce((db) => {
  const value = sql.placeholder;
  const idsIn = (name: string) => sql`(select value::uuid from jsonb_array_elements_text(${value(name)}::jsonb))`;
  const group = db.$with('patched_group').as(
    db
      .update(scimGroups)
      .set({ updatedAt: sql`${value('updatedAt')}::timestamptz` })
      .where(eq(scimGroups.id, sql`${value('id')}::uuid`))
      .returning({ id: scimGroups.id, displayName: scimGroups.displayName }),
  );
  const removed = db.$with('removed_members').as(
    db
      .delete(scimGroupMembers)
      .where(and(sql`${scimGroupMembers.groupId} in (select ${group.id} from ${group})`, sql`${scimGroupMembers.userId} in ${idsIn('removed')}`))
      .returning({ userId: scimGroupMembers.userId }),
  );
  const added = db.$with('added_members').as(
    db
      .insert(scimGroupMembers)
      .select(
        db
          .select({ groupId: group.id, userId: users.id })
          .from(group)
          .crossJoin(users)
          .where(and(sql`${users.id} in ${idsIn('added')}`, isNotNull(users.userName), isNull(users.deletedAt))),
      )
      .onConflictDoNothing()
      .returning({ userId: scimGroupMembers.userId }),
  );
  // recordAudit's row, except the label (the group's displayName) and the details (the operations,
  // a JSON text parameter, and the counts), which come from the statement itself.
  const audit: Record<string, unknown> = {
    ...auditPlaceholders(),
    targetLabel: group.displayName,
    details: sql`jsonb_build_object('operations', ${value('operations')}::jsonb, 'membersAdded', (select count(*) from ${added}), 'membersRemoved', (select count(*) from ${removed}))`,
  };
  const audited = db.$with('audited', {}).as(
    sql`insert into ${auditLog} (${sql.join(
      AUDIT_FIELDS.map((field) => sql.identifier(auditLog[field].name)),
      sql`, `,
    )}) select ${sql.join(
      AUDIT_FIELDS.map((field) => sql`${audit[field]}`),
      sql`, `,
    )} from ${group}`,
  );
  return db.with(group, removed, added, audited).select({ id: group.id }).from(group).prepare('scim_patch_group_members');
});

/**
 * Applies a PATCH made only of member operations that add or remove listed members. Returns false
 * (nothing done) for anything else, including no change or an invalid operation, which the
 * transaction then handles (or refuses) exactly as for any PATCH.
 */
async function patchMembersOnly(db: Db, actor: Actor, id: string, operations: readonly PatchOperation[]): Promise<boolean> {
  if (!isUuid(id) || !operations.every((o) => isCoreSchema(o.path.schema) && o.path.attribute.toLowerCase() === 'members')) return false;
  let members: MemberChanges;
  try {
    // Member operations never read or change the stored attributes, so the id stands in for them.
    const result = applyPatch({ id }, operations, { membersAttribute: 'members' });
    if (!result.changed) return false;
    members = result.members;
  } catch {
    return false;
  }
  if (members.removeAll) return false;
  const [found] = await patchMembersStatement(db).execute({
    id: id.toLowerCase(),
    updatedAt: new Date().toISOString(),
    removed: idList(members.removed) ?? '[]',
    added: idList(members.added) ?? '[]',
    ...auditParams(actor, {
      action: 'scim.group.update',
      targetType: 'scim_group',
      targetId: id.toLowerCase(), // as PostgreSQL writes a uuid
      // targetLabel (the group's displayName) and details are the statement's.
    }),
    operations: JSON.stringify(operationNames(operations)),
  });
  if (!found) throw groupNotFound(id);
  return true;
}
