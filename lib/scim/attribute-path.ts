// RFC 7644 §3.10 attribute notation: "[schemaURN:]attrName[.subAttrName]", case-insensitive.
// Shared by the filter parser, the PATCH path parser and attribute projection.

import { isCoreSchema } from './schemas';

export interface AttributePath {
  /** The schema URN as written, present only when the path was fully qualified. */
  schema?: string;
  /** The attribute name as written (names are case-insensitive; compare via attributeKey). */
  attribute: string;
  subAttribute?: string;
}

// RFC 7643 §2.1 ATTRNAME = ALPHA *(nameChar). "$ref" is the one name the RFC itself breaks the rule
// with (members.$ref, manager.$ref), so a leading "$" is let through.
const ATTR_NAME = /^\$?[A-Za-z][A-Za-z0-9_-]*$/;
const SCHEMA = /^urn:[A-Za-z0-9][A-Za-z0-9-]*(?::[^:\s]+)+$/i;

/** Returns undefined for malformed text; callers raise the error type their context calls for. */
export function parseAttributePath(text: string): AttributePath | undefined {
  // The last colon separates the schema from the attribute: URNs contain dots ("2.0") and colons,
  // attribute names contain neither, so splitting anywhere else would cut a URN in half.
  const colon = text.lastIndexOf(':');
  const schema = colon >= 0 ? text.slice(0, colon) : undefined;
  if (schema !== undefined && !SCHEMA.test(schema)) return undefined;
  const parts = text.slice(colon + 1).split('.');
  if (parts.length > 2 || !parts.every((part) => ATTR_NAME.test(part))) return undefined;
  const path: AttributePath = { attribute: parts[0] };
  if (schema !== undefined) path.schema = schema;
  if (parts[1] !== undefined) path.subAttribute = parts[1];
  return path;
}

/**
 * Canonical, lower-cased key for comparing paths: core-schema prefixes are dropped
 * ("urn:…:core:2.0:User:userName" → "username"), extension prefixes kept
 * ("urn:…:enterprise:2.0:user:department").
 */
export function attributeKey(path: AttributePath): string {
  const local = path.subAttribute ? `${path.attribute}.${path.subAttribute}` : path.attribute;
  return (isCoreSchema(path.schema) ? local : `${path.schema}:${local}`).toLowerCase();
}

export function formatAttributePath(path: AttributePath): string {
  const local = path.subAttribute ? `${path.attribute}.${path.subAttribute}` : path.attribute;
  return path.schema ? `${path.schema}:${local}` : local;
}
