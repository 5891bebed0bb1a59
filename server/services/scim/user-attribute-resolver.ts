// Maps SCIM attribute paths of a User (RFC 7643 §4.1) onto the users table for filterToSql: the
// attributes Entra matches on are indexed columns, group membership is an EXISTS over the join
// table, and everything else (name.*, the enterprise extension, unknown attributes) is read from
// the stored document.
import { sql } from 'drizzle-orm';
import type { AttributePath } from '@/lib/scim/attribute-path';
import type { ScimAttributeResolver } from '@/lib/scim/filter-to-sql';
import { jsonbAttribute } from '@/lib/scim/jsonb-attribute';
import { jsonbElements } from '@/lib/scim/jsonb-elements';
import { MULTI_VALUED_ATTRIBUTES, SCIM_SCHEMAS, isCoreSchema } from '@/lib/scim/schemas';
import { scimGroupMembers, users } from '@/server/db/schema';
import { ENTERPRISE_ATTRIBUTES, NAME_SUB_ATTRIBUTES, USER_ATTRIBUTES, VALUE_SUB_ATTRIBUTES } from './scim-resource';

const ADDRESS_SUB_ATTRIBUTES = {
  value: { type: 'string' },
  display: { type: 'string' },
  type: { type: 'string' },
  primary: { type: 'boolean' },
  $ref: { type: 'string', caseExact: true },
  formatted: { type: 'string' },
  streetAddress: { type: 'string' },
  locality: { type: 'string' },
  region: { type: 'string' },
  postalCode: { type: 'string' },
  country: { type: 'string' },
} as const;

export const resolveUserAttribute: ScimAttributeResolver = ({ path, key }) => {
  switch (key) {
    case 'id':
      return { column: sql`${users.id}::text`, type: 'string', caseExact: true };
    case 'username':
      return { column: users.userName, type: 'string' };
    case 'externalid':
      return { column: users.externalId, type: 'string', caseExact: true };
    case 'active':
      return { column: users.active, type: 'boolean' };
    case 'meta.created':
      return { column: users.createdAt, type: 'datetime' };
    case 'meta.lastmodified':
      return { column: users.updatedAt, type: 'datetime' };
    case 'password':
      return undefined; // returned: never, so not filterable either
    case 'groups':
      return {
        elements: {
          resolve: (sub) => (sub.key === 'value' ? { column: sql`${scimGroupMembers.groupId}::text`, type: 'string', caseExact: true } : undefined),
          exists: (condition) => sql`exists (select 1 from ${scimGroupMembers} where ${scimGroupMembers.userId} = ${users.id} and ${condition})`,
        },
      };
  }
  const multiValued = isCoreSchema(path.schema) && MULTI_VALUED_ATTRIBUTES.has(path.attribute.toLowerCase());
  // "emails.value": filterToSql then reads it through the "emails" mapping, as any value's value.
  if (multiValued && path.subAttribute) return undefined;
  if (multiValued) {
    const name = USER_ATTRIBUTES.get(key) ?? path.attribute;
    const array = sql`(${users.scimAttributes} -> ${name}::text)`;
    return key === 'addresses' ? jsonbElements(array, ADDRESS_SUB_ATTRIBUTES) : jsonbElements(array);
  }
  return jsonbAttribute(users.scimAttributes, canonicalPath(path), key === 'displayname' ? 'string' : undefined);
};

// Respells a path the way normalizeUser stores it, so "NAME.GIVENNAME" finds name.givenName.
function canonicalPath(path: AttributePath): AttributePath {
  if (isCoreSchema(path.schema)) {
    const attribute = USER_ATTRIBUTES.get(path.attribute.toLowerCase()) ?? path.attribute;
    const subs = attribute === 'name' ? NAME_SUB_ATTRIBUTES : VALUE_SUB_ATTRIBUTES;
    const subAttribute = path.subAttribute ? (subs.get(path.subAttribute.toLowerCase()) ?? path.subAttribute) : undefined;
    return { attribute, ...(subAttribute ? { subAttribute } : {}) };
  }
  if (path.schema!.toLowerCase() === SCIM_SCHEMAS.enterpriseUser.toLowerCase()) {
    const attribute = ENTERPRISE_ATTRIBUTES.get(path.attribute.toLowerCase()) ?? path.attribute;
    const subAttribute = path.subAttribute && path.subAttribute.toLowerCase() === 'value' ? 'value' : path.subAttribute;
    return { schema: path.schema, attribute, ...(subAttribute ? { subAttribute } : {}) };
  }
  return path;
}
