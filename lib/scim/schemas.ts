// RFC 7643 §8.7 / RFC 7644 §3.1: the schema and message URNs this library reads and writes.
// Kept in one place so a typo in a URN cannot make Entra's extension attributes silently vanish.

export const SCIM_SCHEMAS = {
  coreUser: 'urn:ietf:params:scim:schemas:core:2.0:User',
  coreGroup: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

// Attributes of the core schemas live at the top level of a resource, so a core URN prefix on a
// path ("urn:…:core:2.0:User:userName") is just a longer spelling of "userName".
const CORE_SCHEMAS = new Set([SCIM_SCHEMAS.coreUser.toLowerCase(), SCIM_SCHEMAS.coreGroup.toLowerCase()]);

export function isCoreSchema(schema: string | undefined): boolean {
  return schema === undefined || CORE_SCHEMAS.has(schema.toLowerCase());
}

// A schema URN ends in "<version>:<ResourceType>" (…:enterprise:2.0:User). An attribute path under
// it has one more segment (…:2.0:User:department), so the version-shaped second-to-last segment is
// what tells "the whole extension object" apart from "one attribute of it".
const SCHEMA_URN = /^urn:[a-z0-9][a-z0-9-]*(?::[^:\s]+)*:\d+(?:\.\d+)*:[a-z][a-z0-9_-]*$/i;

export function isSchemaUrn(text: string): boolean {
  return SCHEMA_URN.test(text);
}

// RFC 7643 §4.1.2 / §4.2 multi-valued attributes of the core schemas (lower-cased). An add to one of
// these appends a value even before the resource has any, where an add to anything else sets it.
export const MULTI_VALUED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'emails',
  'phonenumbers',
  'ims',
  'photos',
  'addresses',
  'groups',
  'entitlements',
  'roles',
  'x509certificates',
  'members',
]);
