// GET /Users (RFC 7644 §3.4.2): filter translated to SQL, 1-based startIndex/count paging in a
// stable order. Entra's matching query (userName eq "…") is answered from the lower(user_name)
// index; deactivated users are found too, or Entra would create them again. That query and
// externalId eq "…" run for every user of every cycle, so they are prepared once (same SQL).
import { and, asc, count, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { users } from '@/server/db/schema';
import { filterToSql } from '@/lib/scim/filter-to-sql';
import type { ListParams } from '@/lib/scim/list-params';
import { SCIM_SCHEMAS } from '@/lib/scim/schemas';
import { exactMatch, exactMatchCondition, prepareOnce } from './prepared-queries';
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

const page = (db: Db, where: SQL | undefined) =>
  db
    .select({ user: users, total: sql<number>`(count(*) over ())::int`.mapWith(Number) })
    .from(users)
    .where(where)
    .orderBy(asc(users.createdAt), asc(users.id));

const MATCHED_BY = ['username', 'externalid'];
const pageByMatch = new Map(
  MATCHED_BY.map((key) => [
    key,
    prepareOnce((db) => {
      const mapping = resolveUserAttribute({ path: { attribute: key }, key });
      if (!mapping || !('column' in mapping)) throw new Error(`users.${key} is not a column`);
      const where = and(scimVisibleUser, exactMatchCondition(mapping, 'value'));
      return page(db, where).offset(sql.placeholder('offset')).limit(sql.placeholder('limit')).prepare(`scim_users_by_${key}`);
    }),
  ]),
);

export async function listScimUsers(db: Db, params: ListParams, baseUrl: string): Promise<ScimListResponse> {
  const match = exactMatch(params.filter, resolveUserAttribute);
  const prepared = match && pageByMatch.get(match.key);
  const where = () => (params.filter ? and(scimVisibleUser, filterToSql(params.filter, resolveUserAttribute)) : scimVisibleUser);
  const rows =
    params.count === 0
      ? []
      : prepared
        ? await prepared(db).execute({ value: match.value, offset: params.startIndex - 1, limit: params.count })
        : await page(db, where())
            .offset(params.startIndex - 1)
            .limit(params.count);
  // The window count rides on the rows. An empty first page means none match (Entra's usual
  // answer); past the last row, or for count=0, the total takes its own query.
  const totalResults =
    rows.length > 0 ? rows[0].total : params.startIndex === 1 && params.count > 0 ? 0 : (await db.select({ n: count() }).from(users).where(where()))[0].n;
  const groups = wantsAttribute(params, 'groups') ? await groupsOfUsers(db, rows.map((r) => r.user.id)) : undefined;
  return {
    schemas: [SCIM_SCHEMAS.listResponse],
    totalResults,
    startIndex: params.startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map(({ user }) => selectAttributes(renderUser(user, baseUrl, groups?.get(user.id)), params)),
  };
}
