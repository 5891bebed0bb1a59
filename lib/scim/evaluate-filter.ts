// RFC 7644 §3.4.2.2 filter semantics over an in-memory JSON resource. apply-patch needs it to pick the
// values a PATCH path such as `emails[type eq "work"]` selects; lists are filtered in SQL instead.

import type { AttributePath } from './attribute-path';
import type { FilterValue, ScimFilter } from './parse-filter';
import { isCoreSchema } from './schemas';

type Json = Record<string, unknown>;

/**
 * True when `target` matches. Strings compare case-insensitively (the RFC 7643 default, and right for
 * every attribute Entra filters on); a multi-valued attribute matches when any of its values does.
 */
export function evaluateFilter(target: Json, filter: ScimFilter): boolean {
  switch (filter.kind) {
    case 'and':
      return evaluateFilter(target, filter.left) && evaluateFilter(target, filter.right);
    case 'or':
      return evaluateFilter(target, filter.left) || evaluateFilter(target, filter.right);
    case 'not':
      return !evaluateFilter(target, filter.filter);
    case 'valuePath': {
      const value = readAttribute(target, { attribute: filter.path.attribute, schema: filter.path.schema });
      return value.some((element) => isObject(element) && evaluateFilter(element, filter.filter));
    }
    case 'present':
      return readAttribute(target, filter.path).some(isPresent);
    case 'compare': {
      // A complex value compares through its "value" sub-attribute, as in filter-to-sql.
      const values = readAttribute(target, filter.path)
        .map((v) => (isObject(v) ? v[findKey(v, 'value') ?? 'value'] : v))
        .filter((v) => v !== null && v !== undefined);
      const expected = filter.value;
      if (expected === null) return filter.op === 'eq' ? values.length === 0 : filter.op === 'ne' && values.length > 0;
      // An absent attribute is "not equal" to anything, as in filter-to-sql's IS DISTINCT FROM.
      if (filter.op === 'ne' && values.length === 0) return true;
      return values.some((v) => compare(v, filter.op, expected));
    }
  }
}

/** Case-insensitive own-key lookup: SCIM attribute names are case-insensitive (RFC 7643 §2.1). */
export function findKey(object: Json, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

// All values the path reaches, flattened across multi-valued attributes.
function readAttribute(target: Json, path: AttributePath): unknown[] {
  let container: unknown = target;
  if (!isCoreSchema(path.schema)) {
    const key = findKey(target, path.schema!);
    container = key === undefined ? undefined : target[key];
  }
  if (!isObject(container)) return [];
  const key = findKey(container, path.attribute);
  const values = flatten(key === undefined ? undefined : container[key]);
  if (!path.subAttribute) return values;
  return values.flatMap((value) => {
    if (!isObject(value)) return [];
    const sub = findKey(value, path.subAttribute!);
    return flatten(sub === undefined ? undefined : value[sub]);
  });
}

function flatten(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isPresent(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

function compare(actual: unknown, op: string, expected: Exclude<FilterValue, null>): boolean {
  if (typeof expected === 'boolean' || typeof actual === 'boolean') {
    const a = asBoolean(actual);
    const b = asBoolean(expected);
    if (a === undefined || b === undefined) return false;
    return op === 'eq' ? a === b : op === 'ne' ? a !== b : false;
  }
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return false;
    return ordered(actual, op, expected);
  }
  if (typeof actual !== 'string' && typeof actual !== 'number') return false;
  const a = String(actual).toLowerCase();
  const b = expected.toLowerCase();
  switch (op) {
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    default:
      return ordered(a, op, b);
  }
}

function ordered<T extends string | number>(a: T, op: string, b: T): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
