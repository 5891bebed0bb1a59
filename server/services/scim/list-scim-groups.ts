// GET /Groups (RFC 7644 §3.4.2). Entra asks with excludedAttributes=members; then no membership
// is read at all. Its matching queries (displayName eq "…", externalId eq "…") are prepared once.
import { asc, count, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { scimGroups } from '@/server/db/schema';
import { filterToSql } from '@/lib/scim/filter-to-sql';
import type { ListParams } from '@/lib/scim/list-params';
import { SCIM_SCHEMAS } from '@/lib/scim/schemas';
import { resolveGroupAttribute } from './group-attribute-resolver';
import type { ScimListResponse } from './list-scim-users';
import { renderGroup } from './scim-resource';
import { exactMatch, exactMatchCondition, prepareOnce } from './prepared-queries';
import { membersOfGroups } from './scim-groups-store';
import { selectAttributes, wantsAttribute } from './select-attributes';

const page = (db: Db, where: SQL | undefined) =>
  db
    .select({ group: scimGroups, total: sql<number>`(count(*) over ())::int`.mapWith(Number) })
    .from(scimGroups)
    .where(where)
    .orderBy(asc(scimGroups.createdAt), asc(scimGroups.id));

const MATCHED_BY = ['displayname', 'externalid'];
const pageByMatch = new Map(
  MATCHED_BY.map((key) => [
    key,
    prepareOnce((db) => {
      const mapping = resolveGroupAttribute({ path: { attribute: key }, key });
      if (!mapping || !('column' in mapping)) throw new Error(`scim_groups.${key} is not a column`);
      return page(db, exactMatchCondition(mapping, 'value')).offset(sql.placeholder('offset')).limit(sql.placeholder('limit')).prepare(`scim_groups_by_${key}`);
    }),
  ]),
);

export async function listScimGroups(db: Db, params: ListParams, baseUrl: string): Promise<ScimListResponse> {
  const match = exactMatch(params.filter, resolveGroupAttribute);
  const prepared = match && pageByMatch.get(match.key);
  const where = () => (params.filter ? filterToSql(params.filter, resolveGroupAttribute) : undefined);
  const rows =
    params.count === 0
      ? []
      : prepared
        ? await prepared(db).execute({ value: match.value, offset: params.startIndex - 1, limit: params.count })
        : await page(db, where())
            .offset(params.startIndex - 1)
            .limit(params.count);
  // An empty first page means none match; past the last row, or for count=0, the total is counted.
  const totalResults =
    rows.length > 0 ? rows[0].total : params.startIndex === 1 && params.count > 0 ? 0 : (await db.select({ n: count() }).from(scimGroups).where(where()))[0].n;
  const members = wantsAttribute(params, 'members') ? await membersOfGroups(db, rows.map((r) => r.group.id)) : undefined;
  return {
    schemas: [SCIM_SCHEMAS.listResponse],
    totalResults,
    startIndex: params.startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map(({ group }) => selectAttributes(renderGroup(group, baseUrl, members?.get(group.id)), params)),
  };
}
