// Maps SCIM attribute paths of a Group (RFC 7643 §4.2) onto scim_groups for filterToSql; members
// are an EXISTS over the join table, so "members[value eq x]" never loads a membership.
import { sql } from 'drizzle-orm';
import type { ScimAttributeResolver } from '@/lib/scim/filter-to-sql';
import { jsonbAttribute } from '@/lib/scim/jsonb-attribute';
import { isCoreSchema } from '@/lib/scim/schemas';
import { scimGroupMembers, scimGroups } from '@/server/db/schema';
import { GROUP_ATTRIBUTES } from './scim-resource';

export const resolveGroupAttribute: ScimAttributeResolver = ({ path, key }) => {
  switch (key) {
    case 'id':
      return { column: sql`${scimGroups.id}::text`, type: 'string', caseExact: true };
    case 'displayname':
      return { column: scimGroups.displayName, type: 'string' };
    case 'externalid':
      return { column: scimGroups.externalId, type: 'string', caseExact: true };
    case 'meta.created':
      return { column: scimGroups.createdAt, type: 'datetime' };
    case 'meta.lastmodified':
      return { column: scimGroups.updatedAt, type: 'datetime' };
    case 'members':
      return {
        elements: {
          resolve: (sub) => (sub.key === 'value' ? { column: sql`${scimGroupMembers.userId}::text`, type: 'string', caseExact: true } : undefined),
          exists: (condition) => sql`exists (select 1 from ${scimGroupMembers} where ${scimGroupMembers.groupId} = ${scimGroups.id} and ${condition})`,
        },
      };
  }
  // "members.value": filterToSql then reads it through the "members" mapping.
  if (isCoreSchema(path.schema) && path.attribute.toLowerCase() === 'members') return undefined;
  const attribute = isCoreSchema(path.schema) ? (GROUP_ATTRIBUTES.get(path.attribute.toLowerCase()) ?? path.attribute) : path.attribute;
  return jsonbAttribute(scimGroups.attributes, { ...path, attribute });
};
