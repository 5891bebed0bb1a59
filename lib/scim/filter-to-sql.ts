// RFC 7644 §3.4.2.2 filter semantics as a drizzle SQL condition. The caller owns the schema: it maps
// each attribute path onto a column, a jsonb expression or a set of values (multi-valued attributes),
// and this module owns the SCIM rules (case-insensitive strings, LIKE escaping, typed operators).

import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { attributeKey, formatAttributePath, type AttributePath } from './attribute-path';
import { ScimError } from './errors';
import type { ScimFilter } from './parse-filter';

export type ScimAttributeType = 'string' | 'boolean' | 'datetime' | 'number';

/**
 * A plain column or SQL expression. caseExact defaults to false: RFC 7643 makes userName,
 * displayName, emails.value and most strings case-insensitive. Map uuid columns as
 * sql`${t.id}::text` with caseExact: true, or a malformed id in a filter becomes a cast error.
 */
export interface ScimColumnMapping {
  column: SQLWrapper;
  type: ScimAttributeType;
  caseExact?: boolean;
}

/**
 * A jsonb expression holding the attribute's value, e.g. sql`${users.attributes} -> ${'costCenter'}::text`.
 * Without a type, the literal in the filter decides how the value is compared, which is what an
 * attribute nobody declared (Entra custom extension attributes) needs.
 */
export interface ScimJsonbMapping {
  jsonb: SQLWrapper;
  type?: ScimAttributeType;
  caseExact?: boolean;
}

/**
 * A multi-valued (or complex) attribute: `resolve` maps its sub-attributes for one value and
 * `exists` wraps a condition on one value into "some value matches", e.g. an EXISTS over a join
 * table (members) or over jsonb_array_elements (see jsonbElements).
 */
export interface ScimElementsMapping {
  elements: {
    resolve: ScimAttributeResolver;
    exists: (condition: SQL) => SQL;
  };
}

export type ScimAttributeMapping = ScimColumnMapping | ScimJsonbMapping | ScimElementsMapping;

export interface ScimAttributeRef {
  path: AttributePath;
  /** attributeKey(path): lower-cased, core-schema prefix dropped, e.g. "name.givenname", "emails.value". */
  key: string;
}

/** Returns undefined for an attribute the service cannot filter on; that becomes 400 invalidFilter. */
export type ScimAttributeResolver = (attribute: ScimAttributeRef) => ScimAttributeMapping | undefined;

type Condition = Extract<ScimFilter, { kind: 'compare' | 'present' }>;
type ScalarMapping = ScimColumnMapping | ScimJsonbMapping;

/** Translates a parsed filter into a WHERE condition; throws ScimError 400 invalidFilter for what cannot be translated. */
export function filterToSql(filter: ScimFilter, resolve: ScimAttributeResolver): SQL {
  switch (filter.kind) {
    case 'and':
      return sql`(${filterToSql(filter.left, resolve)} and ${filterToSql(filter.right, resolve)})`;
    case 'or':
      return sql`(${filterToSql(filter.left, resolve)} or ${filterToSql(filter.right, resolve)})`;
    case 'not':
      // SQL's NULL (attribute absent) would make "not (title eq x)" drop users without a title;
      // in SCIM they match, so the inner unknown counts as false before negating.
      return sql`(not coalesce(${filterToSql(filter.filter, resolve)}, false))`;
    case 'valuePath': {
      const mapping = lookup(resolve, { attribute: filter.path.attribute, schema: filter.path.schema });
      if (!mapping || !('elements' in mapping)) {
        throw invalid(`"${formatAttributePath(filter.path)}" cannot be filtered with "[...]"`);
      }
      return mapping.elements.exists(filterToSql(filter.filter, mapping.elements.resolve));
    }
    default:
      return attributeCondition(filter, resolve);
  }
}

function attributeCondition(filter: Condition, resolve: ScimAttributeResolver): SQL {
  const { path } = filter;
  const direct = lookup(resolve, path);
  if (direct && !('elements' in direct)) return scalarCondition(direct, filter);
  if (direct && 'elements' in direct) {
    // "emails pr": some value exists. "emails eq x": a complex multi-valued attribute compares
    // through its "value" sub-attribute, as RFC 7643 §2.4 makes "value" the primary one.
    if (filter.kind === 'present') return direct.elements.exists(sql`true`);
    return elementCondition(direct, { ...filter, path: { attribute: 'value' } }, path);
  }
  if (path.subAttribute) {
    // "emails.value eq x" without its own mapping: any value of emails whose value is x.
    const parent = lookup(resolve, { attribute: path.attribute, schema: path.schema });
    if (parent && 'elements' in parent) {
      return elementCondition(parent, { ...filter, path: { attribute: path.subAttribute } }, path);
    }
  }
  throw invalid(`filtering on "${formatAttributePath(path)}" is not supported`);
}

function elementCondition(parent: ScimElementsMapping, filter: Condition, original: AttributePath): SQL {
  const sub = lookup(parent.elements.resolve, filter.path);
  if (!sub || 'elements' in sub) throw invalid(`filtering on "${formatAttributePath(original)}" is not supported`);
  return parent.elements.exists(scalarCondition(sub, filter, original));
}

function lookup(resolve: ScimAttributeResolver, path: AttributePath): ScimAttributeMapping | undefined {
  return resolve({ path, key: attributeKey(path) });
}

function scalarCondition(mapping: ScalarMapping, filter: Condition, original = filter.path): SQL {
  const name = formatAttributePath(original);
  if ('jsonb' in mapping) return jsonbCondition(mapping, filter, name);
  return typedCondition(sql`${mapping.column}`, mapping.type, mapping.caseExact ?? false, filter, name);
}

function jsonbCondition(mapping: ScimJsonbMapping, filter: Condition, name: string): SQL {
  const json = sql`${mapping.jsonb}`;
  if (filter.kind === 'present') {
    return sql`(${json} is not null and jsonb_typeof(${json}) <> 'null' and ${json} not in ('""'::jsonb, '[]'::jsonb, '{}'::jsonb))`;
  }
  const type = mapping.type ?? inferType(filter.value);
  const text = sql`(${json} #>> '{}')`;
  // Guarded casts: one row holding "n/a" where a number is expected must not fail the whole query.
  const typed: Record<ScimAttributeType, SQL> = {
    string: text,
    number: sql`(case when jsonb_typeof(${json}) = 'number' then ${text}::numeric end)`,
    boolean: sql`(case when jsonb_typeof(${json}) = 'boolean' then ${text}::boolean end)`,
    datetime: sql`(case when ${text} ~ '^\\d{4}-\\d{2}-\\d{2}' then ${text}::timestamptz end)`,
  };
  return typedCondition(typed[type], type, mapping.caseExact ?? false, filter, name);
}

function inferType(value: unknown): ScimAttributeType {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'string';
}

function typedCondition(expr: SQL, type: ScimAttributeType, caseExact: boolean, filter: Condition, name: string): SQL {
  if (filter.kind === 'present') {
    return type === 'string' ? sql`(${expr} is not null and ${expr} <> '')` : sql`(${expr} is not null)`;
  }
  const { op, value } = filter;
  if (value === null) {
    // RFC 7643 §2.5: null and "no value" are the same thing.
    if (op === 'eq') return sql`(${expr} is null)`;
    if (op === 'ne') return sql`(${expr} is not null)`;
    throw invalid(`"${op}" cannot compare "${name}" with null`);
  }
  switch (type) {
    case 'string': {
      if (typeof value !== 'string') throw invalid(`"${name}" is a string; compare it with a "quoted string"`);
      const left = caseExact ? expr : sql`lower(${expr})`;
      const right = (v: string) => (caseExact ? sql`${v}` : sql`lower(${v})`);
      switch (op) {
        case 'co':
          return sql`(${left} like ${right(`%${escapeLike(value)}%`)})`;
        case 'sw':
          return sql`(${left} like ${right(`${escapeLike(value)}%`)})`;
        case 'ew':
          return sql`(${left} like ${right(`%${escapeLike(value)}`)})`;
        default:
          return ordered(left, op, right(value));
      }
    }
    case 'boolean': {
      const flag = toBoolean(value);
      if (flag === undefined) throw invalid(`"${name}" is a boolean; compare it with true or false`);
      // RFC 7644 §3.4.2.2: ordering or substring operators on a boolean are an invalidFilter.
      if (op !== 'eq' && op !== 'ne') throw invalid(`"${op}" is not allowed on the boolean "${name}"; use eq or ne`);
      return ordered(expr, op, sql`${flag}`);
    }
    case 'number': {
      if (typeof value !== 'number') throw invalid(`"${name}" is a number; compare it with a number`);
      if (op === 'co' || op === 'sw' || op === 'ew') throw invalid(`"${op}" is not allowed on the number "${name}"`);
      return ordered(expr, op, sql`${value}`);
    }
    case 'datetime': {
      const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(time)) throw invalid(`"${name}" is a date-time; compare it with a quoted xsd:dateTime such as "2011-05-13T04:42:34Z"`);
      if (op === 'co' || op === 'sw' || op === 'ew') throw invalid(`"${op}" is not allowed on the date-time "${name}"`);
      return ordered(expr, op, sql`${new Date(time).toISOString()}::timestamptz`);
    }
  }
}

function ordered(left: SQL, op: string, right: SQL): SQL {
  switch (op) {
    case 'eq':
      return sql`(${left} = ${right})`;
    case 'ne':
      // Absent values are "not equal" too, which plain <> would turn into NULL.
      return sql`(${left} is distinct from ${right})`;
    case 'gt':
      return sql`(${left} > ${right})`;
    case 'ge':
      return sql`(${left} >= ${right})`;
    case 'lt':
      return sql`(${left} < ${right})`;
    case 'le':
      return sql`(${left} <= ${right})`;
  }
  throw invalid(`operator "${op}" is not supported here`);
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  // Entra writes booleans as "True"/"False" in PATCH bodies; a filter may do the same.
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

// Postgres LIKE uses backslash as its default escape character; without this, "co \"50%\""
// would match every value containing "50".
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

function invalid(detail: string): ScimError {
  return new ScimError(400, `Invalid filter: ${detail}`, 'invalidFilter');
}
