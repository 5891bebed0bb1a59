// GET /Groups (RFC 7644 §3.4.2). Entra asks with excludedAttributes=members; then no membership
// is read at all.
import { asc, count, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { scimGroups } from '@/server/db/schema';
import { filterToSql } from '@/lib/scim/filter-to-sql';
import type { ListParams } from '@/lib/scim/list-params';
import { SCIM_SCHEMAS } from '@/lib/scim/schemas';
import { resolveGroupAttribute } from './group-attribute-resolver';
import type { ScimListResponse } from './list-scim-users';
import { renderGroup } from './scim-resource';
import { membersOfGroups } from './scim-groups-store';
import { selectAttributes, wantsAttribute } from './select-attributes';

export async function listScimGroups(db: Db, params: ListParams, baseUrl: string): Promise<ScimListResponse> {
  const where = params.filter ? filterToSql(params.filter, resolveGroupAttribute) : undefined;
  const rows =
    params.count === 0
      ? []
      : await db
          .select({ group: scimGroups, total: sql<number>`(count(*) over ())::int`.mapWith(Number) })
          .from(scimGroups)
          .where(where)
          .orderBy(asc(scimGroups.createdAt), asc(scimGroups.id))
          .offset(params.startIndex - 1)
          .limit(params.count);
  const totalResults = rows.length > 0 ? rows[0].total : (await db.select({ n: count() }).from(scimGroups).where(where))[0].n;
  const members = wantsAttribute(params, 'members') ? await membersOfGroups(db, rows.map((r) => r.group.id)) : undefined;
  return {
    schemas: [SCIM_SCHEMAS.listResponse],
    totalResults,
    startIndex: params.startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map(({ group }) => selectAttributes(renderGroup(group, baseUrl, members?.get(group.id)), params)),
  };
}
