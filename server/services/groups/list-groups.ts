// Groups the identity provider pushed, for the console: ordered by name with keyset pagination,
// searched by name, each with its member count (an index range scan on the join table's key).
import { and, asc, ilike, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { scimGroupMembers, scimGroups } from '@/server/db/schema';

export const listGroupsInput = z.object({
  search: z.string().trim().max(200).optional(),
  cursor: z.string().max(800).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

function decodeCursor(cursor: string): [string, string] | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string' && /^[0-9a-f-]{36}$/.test(value[1])) return [value[0], value[1]];
  } catch {}
  return null;
}

export async function listGroups(db: Db, raw: z.input<typeof listGroupsInput>) {
  const input = listGroupsInput.parse(raw);
  const where: SQL[] = [];
  if (input.search) where.push(ilike(scimGroups.displayName, `%${escapeLike(input.search)}%`));
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  if (after) where.push(sql`(lower(${scimGroups.displayName}), ${scimGroups.id}) > (${after[0]}, ${after[1]}::uuid)`);
  const rows = await db
    .select({
      id: scimGroups.id,
      displayName: scimGroups.displayName,
      externalId: scimGroups.externalId,
      createdAt: scimGroups.createdAt,
      updatedAt: scimGroups.updatedAt,
      sortKey: sql<string>`lower(${scimGroups.displayName})`,
      memberCount: sql<number>`(select count(*) from ${scimGroupMembers} where ${scimGroupMembers.groupId} = ${scimGroups.id})::int`.mapWith(Number),
    })
    .from(scimGroups)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(sql`lower(${scimGroups.displayName})`), asc(scimGroups.id))
    .limit(input.limit + 1);
  const more = rows.length > input.limit;
  const page = more ? rows.slice(0, input.limit) : rows;
  const last = page[page.length - 1];
  return {
    groups: page.map(({ sortKey, ...g }) => (void sortKey, g)),
    nextCursor: more && last ? Buffer.from(JSON.stringify([last.sortKey, last.id])).toString('base64url') : null,
  };
}
