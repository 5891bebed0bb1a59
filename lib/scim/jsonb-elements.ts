// RFC 7643 §2.4 multi-valued attributes stored as a jsonb array of objects (emails, phoneNumbers…):
// a ready-made ScimElementsMapping so "emails[type eq \"work\"]" becomes an EXISTS over the array.

import { sql, type SQLWrapper } from 'drizzle-orm';
import type { ScimAttributeType, ScimElementsMapping } from './filter-to-sql';

export interface SubAttributeSpec {
  type?: ScimAttributeType;
  caseExact?: boolean;
}

// The sub-attributes RFC 7643 §2.4 gives every multi-valued attribute.
const DEFAULT_SUB_ATTRIBUTES: Record<string, SubAttributeSpec> = {
  value: { type: 'string' },
  display: { type: 'string' },
  type: { type: 'string' },
  primary: { type: 'boolean' },
  $ref: { type: 'string', caseExact: true },
};

/**
 * `array` is a jsonb expression, e.g. sql`${users.resource} -> 'emails'`. Sub-attribute names are
 * listed with their stored spelling because jsonb keys are case-sensitive while SCIM names are not.
 */
export function jsonbElements(
  array: SQLWrapper,
  subAttributes: Record<string, SubAttributeSpec> = DEFAULT_SUB_ATTRIBUTES,
): ScimElementsMapping {
  const byKey = new Map(Object.entries(subAttributes).map(([name, spec]) => [name.toLowerCase(), { name, spec }]));
  return {
    elements: {
      resolve: ({ path, key }) => {
        const sub = path.schema ? undefined : byKey.get(key);
        if (!sub) return undefined;
        return { jsonb: sql`(scim_value.item -> ${sub.name}::text)`, type: sub.spec.type, caseExact: sub.spec.caseExact };
      },
      // A value that is not an array (absent, null, or malformed) has no elements rather than
      // failing the query: jsonb_array_elements raises on scalars.
      exists: (condition) =>
        sql`exists (select 1 from jsonb_array_elements(case when jsonb_typeof(${array}) = 'array' then ${array} else '[]'::jsonb end) as scim_value(item) where ${condition})`,
    },
  };
}
