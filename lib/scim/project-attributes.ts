// RFC 7644 §3.4.2.5 / §3.9 "attributes" and "excludedAttributes", with RFC 7643 §7 "returned"
// semantics: "always" attributes survive any selection, "never" ones (password) never leave.
// Entra reads every group with excludedAttributes=members; this is what honours it.

import { parseAttributePath } from './attribute-path';
import { findKey } from './evaluate-filter';
import { isCoreSchema, isSchemaUrn } from './schemas';

type Json = Record<string, unknown>;

export interface AttributeSelection {
  attributes?: readonly string[];
  excludedAttributes?: readonly string[];
}

export const ALWAYS_RETURNED: readonly string[] = ['id', 'schemas'];
export const NEVER_RETURNED: readonly string[] = ['password'];

// container ('' for core, else the extension URN, lower-cased) → attribute → whole, or some sub-attributes.
type Selection = Map<string, Map<string, true | Set<string>> | true>;

/**
 * Returns a new object holding what the client asked for. Names are matched case-insensitively and
 * may be fully qualified ("urn:…:enterprise:2.0:User:department") or a whole extension URN.
 * `alwaysReturned` names top-level core attributes; pass ['id', 'schemas', 'meta'] to keep meta too.
 */
export function projectAttributes(
  resource: Json,
  { attributes = [], excludedAttributes = [] }: AttributeSelection,
  alwaysReturned: readonly string[] = ALWAYS_RETURNED,
  neverReturned: readonly string[] = NEVER_RETURNED,
): Json {
  const always = new Set(alwaysReturned.map((name) => name.toLowerCase()));
  let result = structuredClone(resource);
  for (const name of neverReturned) {
    const key = findKey(result, name);
    if (key !== undefined) delete result[key];
  }
  if (attributes.length > 0) result = pick(result, toSelection(attributes), always);
  if (excludedAttributes.length > 0) exclude(result, toSelection(excludedAttributes), always);
  return result;
}

function toSelection(names: readonly string[]): Selection {
  const selection: Selection = new Map();
  for (const name of names) {
    if (isSchemaUrn(name)) {
      selection.set(name.toLowerCase(), true);
      continue;
    }
    const path = parseAttributePath(name);
    if (!path) continue; // list-params rejects malformed names; anything else simply selects nothing
    const container = isCoreSchema(path.schema) ? '' : path.schema!.toLowerCase();
    let attributes = selection.get(container);
    if (attributes === true) continue;
    if (!attributes) selection.set(container, (attributes = new Map()));
    const attribute = path.attribute.toLowerCase();
    const current = attributes.get(attribute);
    if (current === true) continue;
    if (!path.subAttribute) {
      attributes.set(attribute, true);
      continue;
    }
    const subs = current ?? new Set<string>();
    subs.add(path.subAttribute.toLowerCase());
    attributes.set(attribute, subs);
  }
  return selection;
}

function pick(resource: Json, selection: Selection, always: Set<string>): Json {
  const result: Json = {};
  const core = selection.get('');
  for (const [key, value] of Object.entries(resource)) {
    const lower = key.toLowerCase();
    if (always.has(lower)) {
      result[key] = value;
    } else if (isSchemaUrn(key) && isObject(value)) {
      const chosen = selection.get(lower);
      if (chosen === true) result[key] = value;
      else if (chosen) {
        const picked = pickAttributes(value, chosen);
        if (Object.keys(picked).length > 0) result[key] = picked;
      }
    } else if (core && core !== true) {
      const chosen = core.get(lower);
      if (chosen === true) result[key] = value;
      else if (chosen) {
        const picked = pickSubAttributes(value, chosen);
        if (picked !== undefined) result[key] = picked;
      }
    }
  }
  return result;
}

function pickAttributes(object: Json, chosen: Map<string, true | Set<string>>): Json {
  const result: Json = {};
  for (const [key, value] of Object.entries(object)) {
    const wanted = chosen.get(key.toLowerCase());
    if (wanted === true) result[key] = value;
    else if (wanted) {
      const picked = pickSubAttributes(value, wanted);
      if (picked !== undefined) result[key] = picked;
    }
  }
  return result;
}

// "emails.value" keeps the value of every email; "name.givenName" keeps one field of name.
function pickSubAttributes(value: unknown, subs: Set<string>): unknown {
  const pickOne = (item: unknown) =>
    isObject(item) ? Object.fromEntries(Object.entries(item).filter(([key]) => subs.has(key.toLowerCase()))) : undefined;
  if (Array.isArray(value)) {
    const items = value.map(pickOne).filter((item) => item !== undefined && Object.keys(item).length > 0);
    return items.length > 0 ? items : undefined;
  }
  const picked = pickOne(value);
  return picked && Object.keys(picked).length > 0 ? picked : undefined;
}

function exclude(resource: Json, selection: Selection, always: Set<string>): void {
  for (const [container, chosen] of selection) {
    if (container === '') {
      if (chosen !== true) excludeAttributes(resource, chosen, always);
      continue;
    }
    const key = findKey(resource, container);
    if (key === undefined) continue;
    const extension = resource[key];
    if (chosen === true || !isObject(extension)) {
      delete resource[key];
      continue;
    }
    excludeAttributes(extension, chosen, new Set());
    if (Object.keys(extension).length === 0) delete resource[key];
  }
}

function excludeAttributes(object: Json, chosen: Map<string, true | Set<string>>, always: Set<string>): void {
  for (const key of Object.keys(object)) {
    const lower = key.toLowerCase();
    const unwanted = chosen.get(lower);
    if (!unwanted || always.has(lower)) continue;
    if (unwanted === true) {
      delete object[key];
      continue;
    }
    const value = object[key];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (!isObject(item)) continue;
      for (const sub of Object.keys(item)) if (unwanted.has(sub.toLowerCase())) delete item[sub];
    }
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
