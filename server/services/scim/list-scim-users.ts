// GET /Users (RFC 7644 §3.4.2): filter translated to SQL, 1-based startIndex/count paging in a
// stable order. Entra's matching query (userName eq "…") is answered from the lower(user_name)
// index; deactivated users are found too, or Entra would create them again.
import { and, asc, count, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { users } from '@/server/db/schema';
import { filterToSql } from '@/lib/scim/filter-to-sql';
import type { ListParams } from '@/lib/scim/list-params';
import { SCIM_SCHEMAS } from '@/lib/scim/schemas';
import { renderUser, type Json } from './scim-resource';
import { groupsOfUsers, scimVisibleUser } from './scim-users-store';
import { selectAttributes, wantsAttribute } from './select-attributes';
import { resolveUserAttribute } from './user-attribute-resolver';

export interface ScimListResponse {
  schemas: [typeof SCIM_SCHEMAS.listResponse];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: Json[];
}

export async function listScimUsers(db: Db, params: ListParams, baseUrl: string): Promise<ScimListResponse> {
  const where = params.filter ? and(scimVisibleUser, filterToSql(params.filter, resolveUserAttribute)) : scimVisibleUser;
  const rows =
    params.count === 0
      ? []
      : await db
          .select({ user: users, total: sql<number>`(count(*) over ())::int`.mapWith(Number) })
          .from(users)
          .where(where)
          .orderBy(asc(users.createdAt), asc(users.id))
          .offset(params.startIndex - 1)
          .limit(params.count);
  // The window count rides on the rows; past the last row (or for count=0) it takes its own query.
  const totalResults = rows.length > 0 ? rows[0].total : (await db.select({ n: count() }).from(users).where(where))[0].n;
  const groups = wantsAttribute(params, 'groups') ? await groupsOfUsers(db, rows.map((r) => r.user.id)) : undefined;
  return {
    schemas: [SCIM_SCHEMAS.listResponse],
    totalResults,
    startIndex: params.startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map(({ user }) => selectAttributes(renderUser(user, baseUrl, groups?.get(user.id)), params)),
  };
}
