// RFC 7644 §3.4.2 query parameters of a list request (GET /Users, GET /Groups): filter, paging
// (§3.4.2.4), sorting (§3.4.2.3) and attribute selection (§3.4.2.5), parsed once at the edge.

import { parseAttributePath, type AttributePath } from './attribute-path';
import { ScimError } from './errors';
import { parseFilter, type ScimFilter } from './parse-filter';
import { isSchemaUrn } from './schemas';

export { projectAttributes, type AttributeSelection } from './project-attributes';

export interface ListParams {
  /** 1-based, as in SCIM. */
  startIndex: number;
  count: number;
  filter?: ScimFilter;
  attributes: string[];
  excludedAttributes: string[];
  sortBy?: AttributePath;
  sortOrder: 'ascending' | 'descending';
}

export interface ListParamsOptions {
  /** Page size when the client gives none (RFC 7644 leaves it to the service provider). */
  defaultCount?: number;
  /** Largest page served; a larger count is lowered to it rather than refused (RFC 7644 §3.4.2.4). */
  maxCount?: number;
}

type Query = URLSearchParams | Record<string, string | string[] | undefined>;

export function parseListParams(query: Query, { defaultCount = 100, maxCount = 1000 }: ListParamsOptions = {}): ListParams {
  const get = reader(query);

  // RFC 7644 §3.4.2.4: startIndex below 1 is read as 1, a negative count as 0.
  const startIndex = Math.max(1, parseInteger('startIndex', get('startIndex')) ?? 1);
  const count = Math.min(maxCount, Math.max(0, parseInteger('count', get('count')) ?? defaultCount));

  const filterText = get('filter')?.trim();
  const sortByText = get('sortBy')?.trim();
  const sortOrderText = get('sortOrder')?.trim().toLowerCase();
  if (sortOrderText && sortOrderText !== 'ascending' && sortOrderText !== 'descending') {
    throw new ScimError(400, `sortOrder must be "ascending" or "descending", not "${get('sortOrder')}"`, 'invalidValue');
  }
  let sortBy: AttributePath | undefined;
  if (sortByText) {
    sortBy = parseAttributePath(sortByText);
    if (!sortBy) throw new ScimError(400, `sortBy "${sortByText}" is not a valid attribute path`, 'invalidValue');
  }

  return {
    startIndex,
    count,
    filter: filterText ? parseFilter(filterText) : undefined,
    attributes: parseNames('attributes', get('attributes')),
    excludedAttributes: parseNames('excludedAttributes', get('excludedAttributes')),
    sortBy,
    sortOrder: sortOrderText === 'descending' ? 'descending' : 'ascending',
  };
}

// Parameter names are matched case-insensitively; a repeated parameter counts once (the first).
function reader(query: Query): (name: string) => string | undefined {
  const values = new Map<string, string>();
  const entries: [string, string | string[] | undefined][] =
    query instanceof URLSearchParams ? [...query.entries()] : Object.entries(query);
  for (const [name, raw] of entries) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    const key = name.toLowerCase();
    if (value !== undefined && !values.has(key)) values.set(key, value);
  }
  return (name) => values.get(name.toLowerCase());
}

function parseInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw new ScimError(400, `${name} must be an integer, not "${text}"`, 'invalidValue');
  // Far beyond any page: clamp before Number() loses precision on a 30-digit "count".
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : Math.sign(value) * Number.MAX_SAFE_INTEGER;
}

// Comma-separated, possibly fully qualified names. Commas never occur in a URN or attribute name,
// so a plain split is URN-safe ("urn:…:enterprise:2.0:User:manager,displayName").
function parseNames(name: string, text: string | undefined): string[] {
  if (!text) return [];
  const names = text.split(',').map((part) => part.trim()).filter(Boolean);
  for (const part of names) {
    if (!isSchemaUrn(part) && !parseAttributePath(part)) {
      throw new ScimError(400, `${name} contains "${part}", which is not a valid attribute name`, 'invalidValue');
    }
  }
  return names;
}
