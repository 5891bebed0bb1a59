// RFC 7644 §3.5.2 PATCH request normaliser: turns every dialect Microsoft Entra speaks into one list of
// operations with parsed paths, so apply-patch only ever sees the RFC form.
//
// What gets normalised (see protocol-notes.md, "SCIM 2.0 as Microsoft Entra sends it"):
// - "Add"/"Replace"/"Remove" → lower case;
// - path-less add/replace whose value keys are paths ({"name.givenName": "Ann"},
//   {"urn:…:enterprise:2.0:User:employeeNumber": "7"}) or schema URNs ({"urn:…:User": {…}})
//   → one operation per key with that key as its path;
// - booleans written as "True"/"False" → true/false;
// - the enterprise manager written as a bare id → {"value": id}, the RFC 7643 §4.3 shape.

import { z } from 'zod';
import { attributeKey } from './attribute-path';
import { ScimError } from './errors';
import { FilterParser, type PatchPath } from './parse-filter';
import { MULTI_VALUED_ATTRIBUTES, SCIM_SCHEMAS, isSchemaUrn } from './schemas';

export type PatchOpName = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  op: PatchOpName;
  /** Always set for remove (RFC 7644: no path → noTarget); always set after path-less expansion. */
  path: PatchPath;
  /**
   * For add/replace, the new value (null means "clear it"). For remove, only Entra's
   * `{"op":"Remove","path":"members","value":[{"value":"<id>"}]}`: remove just the listed values.
   */
  value?: unknown;
}

export interface ParsePatchOptions {
  /** Extra attribute keys (as attributeKey spells them) whose values are booleans. */
  booleanAttributes?: readonly string[];
}

const DEFAULT_BOOLEANS = ['active', ...[...MULTI_VALUED_ATTRIBUTES].map((name) => `${name}.primary`)];
const MANAGER_KEY = `${SCIM_SCHEMAS.enterpriseUser}:manager`.toLowerCase();

const operationSchema = z.object({
  op: z.string({ error: 'each operation needs an "op" of add, replace or remove' }),
  path: z.string({ error: '"path" must be a string' }).nullish(),
  value: z.unknown().optional(),
});

/** Parses a PATCH request body into normalised operations; throws ScimError 400 on anything malformed. */
export function parsePatch(body: unknown, options: ParsePatchOptions = {}): PatchOperation[] {
  const booleans = new Set([...DEFAULT_BOOLEANS, ...(options.booleanAttributes ?? []).map((key) => key.toLowerCase())]);
  const envelope = lowerKeys(body);
  // RFC 7644 §3.5.2: "Operations" holds one or more operations. Some clients spell it "operations".
  if (!envelope || !Array.isArray(envelope.operations) || envelope.operations.length === 0) {
    throw new ScimError(400, 'A PATCH body needs an "Operations" array with at least one operation', 'invalidSyntax');
  }
  return envelope.operations.flatMap((raw, index) => normalise(raw, index, booleans));
}

/** Parses a PATCH "path" (RFC 7644 §3.5.2 PATH = attrPath / valuePath [subAttr]). */
export function parsePatchPath(text: string): PatchPath {
  // A bare schema URN names the whole extension object, which sits at the top level of the
  // resource under that URN; as an attribute name it resolves to exactly that key.
  if (isSchemaUrn(text)) return { attribute: text };
  return new FilterParser(text, 'path').parsePath();
}

function normalise(raw: unknown, index: number, booleans: Set<string>): PatchOperation[] {
  const parsed = operationSchema.safeParse(lowerKeys(raw) ?? raw);
  if (!parsed.success) {
    throw new ScimError(400, `Operation ${index}: ${parsed.error.issues[0]?.message ?? 'malformed operation'}`, 'invalidSyntax');
  }
  const op = parsed.data.op.toLowerCase();
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw new ScimError(400, `Operation ${index}: unknown op "${parsed.data.op}"; expected add, replace or remove`, 'invalidSyntax');
  }
  const pathText = parsed.data.path?.trim() || undefined;
  const value = parsed.data.value;

  if (op === 'remove') {
    if (!pathText) throw new ScimError(400, `Operation ${index}: remove needs a "path"`, 'noTarget');
    const path = parsePatchPath(pathText);
    return [value === undefined || value === null ? { op, path } : { op, path, value: coerce(attributeKey(path), value, booleans) }];
  }
  if (value === undefined) throw new ScimError(400, `Operation ${index}: ${op} needs a "value"`, 'invalidValue');

  if (pathText) {
    if (isSchemaUrn(pathText)) return expandExtension(op, pathText, value, index, booleans);
    const path = parsePatchPath(pathText);
    return [{ op, path, value: coerce(attributeKey(path), value, booleans) }];
  }

  // RFC 7644 §3.5.2.1/3: without a path the value is a set of attributes of the resource itself.
  if (!isObject(value)) {
    throw new ScimError(400, `Operation ${index}: ${op} without a "path" needs an object of attributes as its "value"`, 'invalidValue');
  }
  return Object.entries(value).flatMap(([key, attributeValue]): PatchOperation[] => {
    // The server owns "schemas" (apply-patch adds extension URNs as their attributes appear).
    if (key.toLowerCase() === 'schemas') return [];
    if (isSchemaUrn(key)) return expandExtension(op, key, attributeValue, index, booleans);
    const path = parsePatchPath(key);
    return [{ op, path, value: coerce(attributeKey(path), attributeValue, booleans) }];
  });
}

// {"urn:…:enterprise:2.0:User": {"department": "x"}} → one operation per extension attribute, so
// each is merged into the extension rather than the object replacing it wholesale.
function expandExtension(op: 'add' | 'replace', urn: string, value: unknown, index: number, booleans: Set<string>): PatchOperation[] {
  if (value === null) return [{ op, path: { attribute: urn }, value: null }];
  if (!isObject(value)) {
    throw new ScimError(400, `Operation ${index}: the value for "${urn}" must be an object of its attributes`, 'invalidValue');
  }
  return Object.entries(value).map(([key, attributeValue]) => {
    const path = parsePatchPath(`${urn}:${key}`);
    return { op, path, value: coerce(attributeKey(path), attributeValue, booleans) };
  });
}

// Walks the value with the attribute key it will land under, fixing Entra's string booleans and bare
// manager ids at any depth a SCIM resource has (attribute, sub-attribute, values of a multi-valued one).
function coerce(key: string, value: unknown, booleans: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => coerce(key, item, booleans));
  if (booleans.has(key) && typeof value === 'string') {
    if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    throw new ScimError(400, `"${key}" must be true or false, not "${value}"`, 'invalidValue');
  }
  if (key === MANAGER_KEY && typeof value === 'string') {
    // Entra sends the manager's id as a plain string; an empty one means "no manager".
    return value === '' ? null : { value };
  }
  if (isObject(value)) {
    const separator = isSchemaUrn(key) ? ':' : '.';
    return Object.fromEntries(
      Object.entries(value).map(([sub, subValue]) => [sub, coerce(`${key}${separator}${sub.toLowerCase()}`, subValue, booleans)]),
    );
  }
  return value;
}

function lowerKeys(value: unknown): Record<string, unknown> | undefined {
  if (!isObject(value)) return undefined;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.toLowerCase(), v]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
