// Drizzle renders a statement's SQL text on every execution, column by column; for the users table
// that costs the server more CPU than PostgreSQL spends answering the statement. The statements
// Entra causes for every user and group of a provisioning cycle (token check, matching filter,
// create) are rendered once per database handle instead: drizzle prepared queries whose values are
// placeholders (the driver then also prepares them in PostgreSQL, once per connection).
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { attributeKey } from '@/lib/scim/attribute-path';
import type { ScimAttributeResolver, ScimColumnMapping } from '@/lib/scim/filter-to-sql';
import type { ScimFilter } from '@/lib/scim/parse-filter';
import { auditRow, type AuditInput } from '../audit/record-audit';
import type { Actor } from '../actor';

/** `build` runs once per database handle; pass the root handle, not a transaction. */
export function prepareOnce<T>(build: (db: Db) => T): (db: Db) => T {
  const prepared = new WeakMap<Db, T>();
  return (db) => {
    let query = prepared.get(db);
    if (query === undefined) prepared.set(db, (query = build(db)));
    return query;
  };
}

// ─── audit rows inside a prepared statement ─────────────────────────────────────────────────

// The columns recordAudit writes, read off auditRow itself so a column it gains is not missed here.
export const AUDIT_FIELDS = Object.keys(auditRow({ type: 'system', label: '' }, { action: '' })) as Array<keyof ReturnType<typeof auditRow>>;

/** Values for db.insert(auditLog).values(…) in a prepared query; fill them with auditParams. */
export function auditPlaceholders() {
  return Object.fromEntries(AUDIT_FIELDS.map((field) => [field, sql.placeholder(`audit.${field}`)])) as Record<(typeof AUDIT_FIELDS)[number], ReturnType<typeof sql.placeholder>>;
}

export function auditParams(actor: Actor, entry: AuditInput): Record<string, unknown> {
  const row = auditRow(actor, entry);
  return Object.fromEntries(AUDIT_FIELDS.map((field) => [`audit.${field}`, row[field] ?? null]));
}

// ─── Entra's matching filters ───────────────────────────────────────────────────────────────

export interface ExactMatch {
  /** attributeKey of the path: "username", "externalid", "displayname", "id". */
  key: string;
  value: string;
  mapping: ScimColumnMapping;
}

/**
 * The filter when it is `<attribute> eq "<text>"` on an attribute the resolver maps to a string
 * column, the shape of every matching query Entra sends (userName, externalId, displayName).
 */
export function exactMatch(filter: ScimFilter | undefined, resolve: ScimAttributeResolver): ExactMatch | undefined {
  if (filter?.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
  const key = attributeKey(filter.path);
  const mapping = resolve({ path: filter.path, key });
  if (!mapping || !('column' in mapping) || mapping.type !== 'string') return undefined;
  return { key, value: filter.value, mapping };
}

/** The condition filterToSql builds for `eq` on a string column, with the value as a placeholder. */
export function exactMatchCondition(mapping: ScimColumnMapping, name: string): SQL {
  const value = sql.placeholder(name);
  return mapping.caseExact ? sql`(${mapping.column} = ${value})` : sql`(lower(${mapping.column}) = lower(${value}))`;
}
