// Group rows and their membership, shared by the Group verbs. Membership changes are single
// set-based statements over the join table (the ids travel as one jsonb parameter), so adding or
// removing thousands of members is one statement, not one per member or a rewrite of all rows.
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { scimGroupMembers, scimGroups, users, type ScimGroup } from '@/server/db/schema';
import { ScimError } from '@/lib/scim/errors';
import type { MemberRef } from './scim-resource';
import { isUuid } from './scim-users-store';

export function groupNotFound(id: string): ScimError {
  return new ScimError(404, `Group ${id} not found`);
}

export async function findScimGroup(db: Db, id: string, lock = false): Promise<ScimGroup> {
  if (!isUuid(id)) throw groupNotFound(id);
  const query = db.select().from(scimGroups).where(eq(scimGroups.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw groupNotFound(id);
  return row;
}

// Ids that are not uuids cannot name a Tessera user; they are dropped before reaching a ::uuid cast.
export function idList(ids: readonly string[]): string | null {
  const valid = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  return valid.length > 0 ? JSON.stringify(valid) : null;
}

const inIdList = (column: typeof users.id | typeof scimGroupMembers.userId, list: string) =>
  sql`${column} in (select value::uuid from jsonb_array_elements_text(${list}::jsonb))`;

/** Adds the SCIM-visible users among `ids`; members already present and unknown ids are skipped. Returns how many were added. */
export async function addGroupMembers(tx: Db, groupId: string, ids: readonly string[]): Promise<number> {
  const list = idList(ids);
  if (!list) return 0;
  const added = await tx
    .insert(scimGroupMembers)
    .select(
      tx
        .select({ groupId: sql<string>`${groupId}::uuid`.as('group_id'), userId: users.id })
        .from(users)
        .where(and(inIdList(users.id, list), sql`${users.userName} is not null`, isNull(users.deletedAt))),
    )
    .onConflictDoNothing()
    .returning({ userId: scimGroupMembers.userId });
  return added.length;
}

export async function removeGroupMembers(tx: Db, groupId: string, ids: readonly string[]): Promise<number> {
  const list = idList(ids);
  if (!list) return 0;
  const removed = await tx
    .delete(scimGroupMembers)
    .where(and(eq(scimGroupMembers.groupId, groupId), inIdList(scimGroupMembers.userId, list)))
    .returning({ userId: scimGroupMembers.userId });
  return removed.length;
}

export async function clearGroupMembers(tx: Db, groupId: string): Promise<number> {
  const removed = await tx.delete(scimGroupMembers).where(eq(scimGroupMembers.groupId, groupId)).returning({ userId: scimGroupMembers.userId });
  return removed.length;
}

export async function membersOfGroups(db: Db, groupIds: string[]): Promise<Map<string, MemberRef[]>> {
  const result = new Map<string, MemberRef[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return result;
  const rows = await db
    .select({ groupId: scimGroupMembers.groupId, userId: users.id, display: sql<string | null>`coalesce(${users.name}, ${users.userName})` })
    .from(scimGroupMembers)
    .innerJoin(users, eq(users.id, scimGroupMembers.userId))
    .where(and(inArray(scimGroupMembers.groupId, groupIds), isNull(users.deletedAt)))
    .orderBy(asc(scimGroupMembers.groupId), asc(users.id));
  for (const row of rows) result.get(row.groupId)!.push({ value: row.userId, display: row.display });
  return result;
}
