// RFC 7644 §3.10 attribute paths into a jsonb document: the fallback mapping for attributes a
// service keeps in one jsonb column (Entra custom and extension attributes) instead of columns.

import { sql, type SQLWrapper } from 'drizzle-orm';
import type { AttributePath } from './attribute-path';
import type { ScimAttributeType, ScimJsonbMapping } from './filter-to-sql';
import { SCIM_SCHEMAS, isCoreSchema } from './schemas';

const KNOWN_SCHEMAS = new Map(Object.values(SCIM_SCHEMAS).map((urn) => [urn.toLowerCase(), urn]));

/**
 * Maps `path` onto `document -> '<schema URN>' -> '<attribute>' -> '<sub-attribute>'`, the layout
 * of a SCIM resource stored as JSON. jsonb keys are case-sensitive, so the standard schema URNs are
 * respelled canonically; attribute names are used as the filter wrote them.
 */
export function jsonbAttribute(document: SQLWrapper, path: AttributePath, type?: ScimAttributeType): ScimJsonbMapping {
  const keys: string[] = [];
  if (!isCoreSchema(path.schema)) keys.push(KNOWN_SCHEMAS.get(path.schema!.toLowerCase()) ?? path.schema!);
  keys.push(path.attribute);
  if (path.subAttribute) keys.push(path.subAttribute);
  // Keys travel as parameters: an attribute name is client input like any other.
  const expression = keys.reduce((json, key) => sql`${json} -> ${key}::text`, sql`${document}`);
  return { jsonb: sql`(${expression})`, type };
}
