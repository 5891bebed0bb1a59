// RFC 7644 §3.5.2.1-3 add/replace/remove applied to a plain JSON SCIM resource. Group membership is
// reported as a delta (MemberChanges) so a service updates its join table row by row instead of
// loading and rewriting a membership of thousands for every "add one member".

import { formatAttributePath } from './attribute-path';
import { ScimError } from './errors';
import { evaluateFilter, findKey } from './evaluate-filter';
import type { ScimFilter } from './parse-filter';
import type { PatchOperation } from './parse-patch';
import { MULTI_VALUED_ATTRIBUTES, isCoreSchema, isSchemaUrn } from './schemas';

type Json = Record<string, unknown>;

/**
 * Apply in this order: if removeAll, delete every membership row; then delete `removed`; then
 * insert `added` (ignoring ones already present). `added` and `removed` never share an id.
 */
export interface MemberChanges {
  removeAll: boolean;
  added: string[];
  removed: string[];
}

export interface ApplyPatchResult<T> {
  resource: T;
  members: MemberChanges;
  /**
   * False when the resource is unchanged and no member operation was given, so the service can
   * skip the write and keep meta.version (Entra re-sends values it already set every cycle).
   */
  changed: boolean;
}

export interface ApplyPatchOptions {
  /** Attribute handled as membership (reported in `members`); null for resources without one. */
  membersAttribute?: string | null;
  /** Top-level attributes a client may not change (RFC 7643 mutability readOnly). */
  readOnlyAttributes?: readonly string[];
}

const DEFAULT_READ_ONLY = ['id', 'meta', 'schemas'];

/**
 * Returns a patched copy of `resource` (the input is not modified). If `resource.members` is an
 * array it is kept in step; if the service left members out (the usual case), it stays out and only
 * `members` in the result describes the change.
 */
export function applyPatch<T extends Json>(
  resource: T,
  operations: readonly PatchOperation[],
  options: ApplyPatchOptions = {},
): ApplyPatchResult<T> {
  const patcher = new Patcher(structuredClone(resource), options);
  for (const operation of operations) patcher.apply(operation);
  const patched = patcher.finish();
  const members = patcher.members.result();
  const changed = !jsonEqual(resource, patched) || members.removeAll || members.added.length > 0 || members.removed.length > 0;
  return { resource: patched as T, members, changed };
}

class MemberTracker {
  private removeAll = false;
  private readonly added = new Set<string>();
  private readonly removed = new Set<string>();

  add(ids: string[]): void {
    for (const id of ids) {
      this.removed.delete(id);
      this.added.add(id);
    }
  }

  remove(ids: string[]): void {
    for (const id of ids) {
      this.added.delete(id);
      // After a clear, the row is gone already.
      if (!this.removeAll) this.removed.add(id);
    }
  }

  clear(): void {
    this.removeAll = true;
    this.added.clear();
    this.removed.clear();
  }

  result(): MemberChanges {
    return { removeAll: this.removeAll, added: [...this.added], removed: [...this.removed] };
  }
}

class Patcher {
  readonly members = new MemberTracker();
  private readonly membersKey: string | null;
  private readonly readOnly: Set<string>;
  private readonly touchedExtensions = new Set<string>();

  constructor(
    readonly target: Json,
    options: ApplyPatchOptions,
  ) {
    this.membersKey = options.membersAttribute === undefined ? 'members' : options.membersAttribute?.toLowerCase() ?? null;
    this.readOnly = new Set((options.readOnlyAttributes ?? DEFAULT_READ_ONLY).map((name) => name.toLowerCase()));
  }

  apply(operation: PatchOperation): void {
    const { path } = operation;
    const topLevel = isCoreSchema(path.schema);
    const name = path.attribute.toLowerCase();
    if (topLevel && this.membersKey !== null && name === this.membersKey) return this.applyMembers(operation);
    if (topLevel && this.readOnly.has(name)) return this.checkReadOnly(operation);

    // add/replace with null is how several clients say "clear it" (RFC 7643 §2.5: null = unassigned).
    const op = operation.op !== 'remove' && operation.value === null ? 'remove' : operation.op;
    const value = op === 'remove' && operation.op !== 'remove' ? undefined : operation.value;
    const container = this.container(path.schema, op !== 'remove');
    if (!container) return; // removing from an extension the resource does not have: nothing to do

    if (path.valueFilter) return this.applyFiltered(container, op, value, path.attribute, path.valueFilter, path.subAttribute);
    if (path.subAttribute) return this.applySubAttribute(container, op, value, path.attribute, path.subAttribute);
    return this.applyAttribute(container, op, value, path.attribute);
  }

  finish(): Json {
    // An extension whose last attribute was removed disappears, URN and all, rather than being
    // returned as {} (RFC 7643 §3: "schemas" lists only the extensions present).
    for (const key of this.touchedExtensions) {
      const actual = findKey(this.target, key);
      const value = actual === undefined ? undefined : this.target[actual];
      if (actual !== undefined && isObject(value) && Object.keys(value).length > 0) continue;
      if (actual !== undefined) delete this.target[actual];
      const schemas = this.target.schemas;
      if (Array.isArray(schemas)) {
        this.target.schemas = schemas.filter((schema) => typeof schema !== 'string' || schema.toLowerCase() !== key.toLowerCase());
      }
    }
    return this.target;
  }

  // --- attribute forms -------------------------------------------------------------------------

  private applyAttribute(container: Json, op: PatchOperation['op'], value: unknown, attribute: string): void {
    const key = findKey(container, attribute) ?? attribute;
    const current = container[key];
    if (container === this.target && isSchemaUrn(attribute)) this.touchExtension(key, op !== 'remove');

    if (op === 'remove') {
      if (value !== undefined && Array.isArray(current)) {
        // Entra's "remove these values" form (RFC 7644 defines no value on remove; Entra sends one).
        const listed = toArray(value);
        const kept = current.filter((item) => !listed.some((gone) => sameValue(item, gone)));
        if (kept.length > 0) container[key] = kept;
        else delete container[key];
      } else {
        delete container[key];
      }
      return;
    }

    if (isMultiValued(attribute, current, value)) {
      const incoming = toArray(value);
      if (op === 'replace' || !Array.isArray(current)) {
        container[key] = op === 'replace' ? incoming : mergeValues([], incoming);
      } else {
        container[key] = mergeValues(current, incoming);
      }
      enforceSinglePrimary(container[key] as unknown[], incoming);
      return;
    }
    // RFC 7644 §3.5.2.1/3: on a complex attribute the given sub-attributes are added or replaced
    // and the others left alone, for add and replace alike.
    container[key] = isObject(current) && isObject(value) ? { ...current, ...value } : value;
  }

  private applySubAttribute(container: Json, op: PatchOperation['op'], value: unknown, attribute: string, subAttribute: string): void {
    const key = findKey(container, attribute) ?? attribute;
    const current = container[key];

    if (Array.isArray(current)) {
      // "emails.value" without a filter addresses that sub-attribute of every value.
      if (op === 'remove') {
        for (const item of current) if (isObject(item)) deleteKey(item, subAttribute);
      } else if (current.length === 0) {
        container[key] = [{ [subAttribute]: value }];
      } else {
        for (const item of current) if (isObject(item)) setKey(item, subAttribute, value);
      }
      return;
    }
    if (op === 'remove') {
      if (!isObject(current)) return;
      deleteKey(current, subAttribute);
      if (Object.keys(current).length === 0) delete container[key];
      return;
    }
    if (current !== undefined && current !== null && !isObject(current)) {
      throw new ScimError(400, `"${attribute}" is not a complex attribute, so "${attribute}.${subAttribute}" does not exist`, 'invalidPath');
    }
    const parent = isObject(current) ? current : (container[key] = {});
    setKey(parent as Json, subAttribute, value);
  }

  private applyFiltered(
    container: Json,
    op: PatchOperation['op'],
    value: unknown,
    attribute: string,
    filter: ScimFilter,
    subAttribute: string | undefined,
  ): void {
    const key = findKey(container, attribute) ?? attribute;
    const current = container[key];
    const path = `${attribute}[…]${subAttribute ? `.${subAttribute}` : ''}`;
    if (current !== undefined && current !== null && !Array.isArray(current)) {
      throw new ScimError(400, `"${attribute}" is not multi-valued, so "${path}" cannot select values of it`, 'invalidPath');
    }
    const values: unknown[] = Array.isArray(current) ? current : [];
    const matches = values.filter((item): item is Json => isObject(item) && evaluateFilter(item, filter));

    if (op === 'remove') {
      if (subAttribute) {
        for (const item of matches) deleteKey(item, subAttribute);
      } else {
        const kept = values.filter((item) => !matches.includes(item as Json));
        if (kept.length > 0) container[key] = kept;
        else delete container[key];
      }
      return;
    }

    if (!subAttribute && !isObject(value)) {
      throw new ScimError(400, `The value for "${path}" must be an object of sub-attributes`, 'invalidValue');
    }
    if (matches.length > 0) {
      for (const item of matches) {
        if (subAttribute) setKey(item, subAttribute, value);
        else if (op === 'add') Object.assign(item, value);
        else values[values.indexOf(item)] = value;
      }
      container[key] = values;
      enforceSinglePrimary(values, subAttribute ? (subAttribute.toLowerCase() === 'primary' ? matches : []) : [value]);
      return;
    }

    // No value matches. Entra sends `emails[type eq "work"].value` for a user who has no work email
    // yet and expects one to be created (RFC 7644 would answer noTarget), so a filter made of
    // "attr eq literal" terms seeds the new value; any other filter cannot say what to create.
    const seed = seedFromFilter(filter);
    if (!seed) {
      throw new ScimError(400, `No value of "${attribute}" matches the filter in "${path}", and the filter does not describe a new one`, 'noTarget');
    }
    const created: Json = subAttribute ? { ...seed, [subAttribute]: value } : { ...seed, ...(value as Json) };
    container[key] = [...values, created];
    enforceSinglePrimary(container[key] as unknown[], [created]);
  }

  // --- membership ------------------------------------------------------------------------------

  private applyMembers(operation: PatchOperation): void {
    const { op, path } = operation;
    const key = findKey(this.target, path.attribute) ?? path.attribute;
    const loaded = Array.isArray(this.target[key]) ? (this.target[key] as unknown[]) : undefined;
    const label = formatAttributePath(path);
    if (path.subAttribute) {
      throw new ScimError(400, `"${label}" cannot be patched; add or remove whole members`, 'invalidPath');
    }

    if (path.valueFilter) {
      if (op !== 'remove') throw new ScimError(400, `${op} cannot target "${label}[…]"; add members with path "members"`, 'invalidPath');
      const filter = path.valueFilter;
      const ids = loaded
        ? loaded.filter((item): item is Json => isObject(item) && evaluateFilter(item, filter)).map(memberId)
        : idsFromFilter(filter);
      if (!ids) {
        throw new ScimError(400, 'Members can only be removed by id, e.g. members[value eq "<id>"]', 'invalidFilter');
      }
      return this.removeMembers(key, loaded, ids);
    }

    if (op === 'remove') {
      if (operation.value === undefined) {
        this.members.clear();
        delete this.target[key];
        return;
      }
      return this.removeMembers(key, loaded, memberValues(operation.value).map(memberId));
    }

    const incoming = memberValues(operation.value);
    const ids = incoming.map(memberId);
    if (op === 'replace') {
      this.members.clear();
      this.members.add(ids);
      if (loaded) this.target[key] = dedupeMembers(incoming);
      return;
    }
    this.members.add(ids);
    if (loaded) this.target[key] = dedupeMembers([...loaded.filter(isObject), ...incoming]);
  }

  private removeMembers(key: string, loaded: unknown[] | undefined, ids: string[]): void {
    this.members.remove(ids);
    if (!loaded) return;
    const gone = new Set(ids);
    this.target[key] = loaded.filter((item) => !(isObject(item) && gone.has(String(item.value))));
  }

  // --- helpers ---------------------------------------------------------------------------------

  private checkReadOnly(operation: PatchOperation): void {
    const key = findKey(this.target, operation.path.attribute);
    const current = key === undefined ? undefined : this.target[key];
    // Clients that echo the resource back (Okta sends "id" in path-less replaces) are not changing it.
    const unchanged = operation.op !== 'remove' && !operation.path.subAttribute && !operation.path.valueFilter && jsonEqual(current, operation.value);
    if (unchanged) return;
    throw new ScimError(400, `"${formatAttributePath(operation.path)}" is read-only`, 'mutability');
  }

  private container(schema: string | undefined, create: boolean): Json | undefined {
    if (isCoreSchema(schema)) return this.target;
    const key = findKey(this.target, schema!) ?? schema!;
    const current = this.target[key];
    if (isObject(current)) {
      this.touchExtension(key, create);
      return current;
    }
    if (!create) return undefined;
    this.target[key] = {};
    this.touchExtension(key, true);
    return this.target[key] as Json;
  }

  private touchExtension(key: string, present: boolean): void {
    this.touchedExtensions.add(key);
    if (!present) return;
    const schemas = this.target.schemas;
    if (Array.isArray(schemas) && !schemas.some((schema) => typeof schema === 'string' && schema.toLowerCase() === key.toLowerCase())) {
      schemas.push(key);
    }
  }
}

function isMultiValued(attribute: string, current: unknown, value: unknown): boolean {
  return Array.isArray(current) || Array.isArray(value) || MULTI_VALUED_ATTRIBUTES.has(attribute.toLowerCase());
}

// Adds values not already present. A value with the same "value" and "type" as an existing one is
// the same value (Entra re-sends emails with or without "primary"), so it is merged, not duplicated.
function mergeValues(current: unknown[], incoming: unknown[]): unknown[] {
  const result = [...current];
  for (const item of incoming) {
    const index = result.findIndex((existing) => sameValue(existing, item));
    if (index < 0) result.push(item);
    else if (isObject(result[index]) && isObject(item)) result[index] = { ...result[index], ...item };
  }
  return result;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (isObject(a) && isObject(b) && 'value' in a && 'value' in b) {
    return looseEqual(a.value, b.value) && looseEqual(a.type, b.type);
  }
  return jsonEqual(a, b);
}

function looseEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return jsonEqual(a, b);
}

// RFC 7643 §2.4: at most one value may be primary; the one just written wins (RFC 7644 §3.5.2).
function enforceSinglePrimary(values: unknown[], written: unknown[]): void {
  const winner = written.find((item) => isObject(item) && primaryOf(item) === true);
  if (!winner) return;
  for (const item of values) {
    if (item !== winner && isObject(item) && primaryOf(item) === true) setKey(item, 'primary', false);
  }
}

function primaryOf(item: Json): unknown {
  const key = findKey(item, 'primary');
  return key === undefined ? undefined : item[key];
}

function seedFromFilter(filter: ScimFilter): Json | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.value !== null && !filter.path.schema && !filter.path.subAttribute) {
    return { [filter.path.attribute]: filter.value };
  }
  if (filter.kind === 'and') {
    const left = seedFromFilter(filter.left);
    const right = seedFromFilter(filter.right);
    return left && right ? { ...left, ...right } : undefined;
  }
  return undefined;
}

// members[value eq "a"] or members[value eq "a" or value eq "b"]: the ids, without loading members.
function idsFromFilter(filter: ScimFilter): string[] | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.attribute.toLowerCase() === 'value' && !filter.path.subAttribute) {
    return typeof filter.value === 'string' ? [filter.value] : undefined;
  }
  if (filter.kind === 'or') {
    const left = idsFromFilter(filter.left);
    const right = idsFromFilter(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  return undefined;
}

function memberValues(value: unknown): Json[] {
  return toArray(value).map((item) => {
    if (!isObject(item) || typeof item.value !== 'string' || item.value.trim() === '') {
      throw new ScimError(400, 'Each member needs a "value" holding the member\'s id', 'invalidValue');
    }
    // Entra sends "$ref": null; storing nulls would echo back attributes that were never set.
    return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== null && v !== undefined));
  });
}

function memberId(item: Json): string {
  return String(item.value);
}

function dedupeMembers(items: Json[]): Json[] {
  const seen = new Map<string, Json>();
  for (const item of items) seen.set(memberId(item), { ...seen.get(memberId(item)), ...item });
  return [...seen.values()];
}

// Structural equality of JSON values; key order does not matter, as it does not in JSON.
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
}

function toArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function setKey(object: Json, name: string, value: unknown): void {
  object[findKey(object, name) ?? name] = value;
}

function deleteKey(object: Json, name: string): void {
  const key = findKey(object, name);
  if (key !== undefined) delete object[key];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
