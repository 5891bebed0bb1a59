// The SCIM resources Tessera stores (RFC 7643 §4.1 User, §4.2 Group, §4.3 enterprise extension).
// What a provider sends is kept as one JSON document, so every value, extension and unknown
// attribute is returned exactly as stored; the attributes Tessera acts on (userName, externalId,
// email, active, display name) are copied into columns. Validation and rendering live here, shared
// by every SCIM verb.
import type { ScimGroup, User } from '@/server/db/schema';
import { ScimError } from '@/lib/scim/errors';
import { MULTI_VALUED_ATTRIBUTES, SCIM_SCHEMAS, isSchemaUrn } from '@/lib/scim/schemas';

export type Json = Record<string, unknown>;

const canonical = (names: string[]) => new Map(names.map((name) => [name.toLowerCase(), name]));

// Names are case-insensitive in SCIM but jsonb keys are not: a document stored with the RFC's
// spelling lets a filter in any spelling find the value.
export const USER_ATTRIBUTES = canonical([
  'schemas', 'userName', 'name', 'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage',
  'locale', 'timezone', 'active', 'password', 'emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'groups',
  'entitlements', 'roles', 'x509Certificates', 'externalId',
]);
export const NAME_SUB_ATTRIBUTES = canonical(['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix']);
export const VALUE_SUB_ATTRIBUTES = canonical([
  'value', 'display', 'type', 'primary', '$ref', 'formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country',
]);
export const ENTERPRISE_ATTRIBUTES = canonical(['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager']);
const MANAGER_SUB_ATTRIBUTES = canonical(['value', '$ref', 'displayName']);
export const GROUP_ATTRIBUTES = canonical(['schemas', 'displayName', 'members', 'externalId']);

const ENTERPRISE = SCIM_SCHEMAS.enterpriseUser;
// Long enough for any UPN or group name; short enough for a btree index entry.
const MAX_KEY_LENGTH = 512;

export interface UserColumns {
  userName: string;
  externalId: string | null;
  email: string;
  name: string | null;
  active: boolean;
}

export interface NormalizedUser {
  /** Stored in users.scim_attributes: no id, meta, groups, password or active (a column). */
  document: Json;
  columns: UserColumns;
}

/** Validates a User resource from a POST, PUT or a PATCH result; throws ScimError 400. */
export function normalizeUser(input: unknown): NormalizedUser {
  if (!isObject(input)) throw new ScimError(400, 'The body must be a JSON object: a SCIM User resource', 'invalidSyntax');
  const document = canonicalizeUser(input);
  // Server-owned (id, meta, groups) or never kept (a password: Tessera users sign in through the IdP).
  for (const key of ['id', 'meta', 'groups', 'password']) delete document[key];

  let active = true;
  if ('active' in document) {
    const flag = toBoolean(document.active);
    if (flag === undefined) throw new ScimError(400, '"active" must be true or false', 'invalidValue');
    active = flag;
    delete document.active;
  }
  const userName = requiredString(document.userName, 'userName');
  const externalId = optionalString(document, 'externalId');
  if (document.displayName !== undefined && document.displayName !== null && typeof document.displayName !== 'string') {
    throw new ScimError(400, '"displayName" must be a string', 'invalidValue');
  }
  for (const key of Object.keys(document)) {
    const value = document[key];
    if (value === null) delete document[key]; // RFC 7643 §2.5: null is "no value"
    else if (MULTI_VALUED_ATTRIBUTES.has(key.toLowerCase()) && !Array.isArray(value)) {
      throw new ScimError(400, `"${key}" is multi-valued: send an array`, 'invalidValue');
    }
  }
  document.schemas = schemasFor(document, SCIM_SCHEMAS.coreUser);

  const email = (workEmail(document.emails) ?? userName).trim().toLowerCase();
  if (email.length > MAX_KEY_LENGTH) throw new ScimError(400, `The email address is longer than ${MAX_KEY_LENGTH} characters`, 'invalidValue');
  return { document, columns: { userName, externalId, email, name: personName(document), active } };
}

export interface NormalizedGroup {
  /** Stored in scim_groups.attributes: no id, meta or members (a join table). */
  document: Json;
  displayName: string;
  externalId: string | null;
  /** Member ids from the body; undefined when the body had no "members". */
  memberIds?: string[];
}

export function normalizeGroup(input: unknown): NormalizedGroup {
  if (!isObject(input)) throw new ScimError(400, 'The body must be a JSON object: a SCIM Group resource', 'invalidSyntax');
  const document: Json = {};
  for (const [key, value] of Object.entries(input)) document[GROUP_ATTRIBUTES.get(key.toLowerCase()) ?? key] = value;
  const members = document.members;
  for (const key of ['id', 'meta', 'members']) delete document[key];
  for (const key of Object.keys(document)) if (document[key] === null) delete document[key];
  const displayName = requiredString(document.displayName, 'displayName');
  const externalId = optionalString(document, 'externalId');
  document.schemas = schemasFor(document, SCIM_SCHEMAS.coreGroup);
  let memberIds: string[] | undefined;
  if (members !== undefined && members !== null) {
    if (!Array.isArray(members)) throw new ScimError(400, '"members" must be an array of {"value": "<user id>"}', 'invalidValue');
    memberIds = members.map((member) => {
      if (!isObject(member) || typeof member.value !== 'string' || !member.value.trim()) {
        throw new ScimError(400, 'Each member needs a "value" holding the member\'s id', 'invalidValue');
      }
      return member.value.trim();
    });
  }
  return { document, displayName, externalId, memberIds };
}

export function userLocation(baseUrl: string, id: string): string {
  return `${baseUrl}/scim/v2/Users/${id}`;
}

export function groupLocation(baseUrl: string, id: string): string {
  return `${baseUrl}/scim/v2/Groups/${id}`;
}

export interface GroupRef {
  value: string;
  display: string;
}

/** The User resource: the stored document, the id, `active` from the column, and meta. */
export function renderUser(row: User, baseUrl: string, groups?: GroupRef[]): Json {
  const { schemas, ...rest } = row.scimAttributes ?? {};
  const resource: Json = { schemas: schemas ?? [SCIM_SCHEMAS.coreUser], id: row.id, ...rest, active: row.active };
  if (groups && groups.length > 0) {
    resource.groups = groups.map((g) => ({ value: g.value, display: g.display, $ref: groupLocation(baseUrl, g.value), type: 'direct' }));
  }
  resource.meta = meta('User', row.createdAt, row.updatedAt, userLocation(baseUrl, row.id));
  return resource;
}

export interface MemberRef {
  value: string;
  display: string | null;
}

export function renderGroup(row: ScimGroup, baseUrl: string, members?: MemberRef[]): Json {
  const { schemas, ...rest } = row.attributes;
  const resource: Json = { schemas: schemas ?? [SCIM_SCHEMAS.coreGroup], id: row.id, ...rest };
  if (members) {
    resource.members = members.map((m) => ({
      value: m.value,
      ...(m.display ? { display: m.display } : {}),
      $ref: userLocation(baseUrl, m.value),
    }));
  }
  resource.meta = meta('Group', row.createdAt, row.updatedAt, groupLocation(baseUrl, row.id));
  return resource;
}

function meta(resourceType: string, created: Date, lastModified: Date, location: string) {
  return {
    resourceType,
    created: created.toISOString(),
    lastModified: lastModified.toISOString(),
    location,
    version: `W/"${lastModified.getTime().toString(36)}"`,
  };
}

function canonicalizeUser(input: Json): Json {
  const document: Json = {};
  for (const [key, value] of Object.entries(input)) {
    if (isSchemaUrn(key)) {
      const isEnterprise = key.toLowerCase() === ENTERPRISE.toLowerCase();
      const urn = isEnterprise ? ENTERPRISE : key;
      document[urn] = isEnterprise && isObject(value) ? canonicalizeEnterprise(value) : value;
      continue;
    }
    const name = USER_ATTRIBUTES.get(key.toLowerCase()) ?? key;
    if (name === 'name' && isObject(value)) document[name] = renameKeys(value, NAME_SUB_ATTRIBUTES);
    else if (Array.isArray(value)) document[name] = value.map((item) => (isObject(item) ? renameKeys(item, VALUE_SUB_ATTRIBUTES) : item));
    else document[name] = value;
  }
  return document;
}

function canonicalizeEnterprise(value: Json): Json {
  const extension = renameKeys(value, ENTERPRISE_ATTRIBUTES);
  if (isObject(extension.manager)) extension.manager = renameKeys(extension.manager, MANAGER_SUB_ATTRIBUTES);
  return extension;
}

function renameKeys(object: Json, names: Map<string, string>): Json {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [names.get(key.toLowerCase()) ?? key, value]));
}

// "schemas" lists the core schema and every extension the resource carries (RFC 7643 §3).
function schemasFor(document: Json, core: string): string[] {
  const given = Array.isArray(document.schemas) ? document.schemas.filter((s): s is string => typeof s === 'string') : [];
  const result = given.some((s) => s.toLowerCase() === core.toLowerCase()) ? [...given] : [core, ...given];
  for (const key of Object.keys(document)) {
    if (isSchemaUrn(key) && !result.some((s) => s.toLowerCase() === key.toLowerCase())) result.push(key);
  }
  return result;
}

// Tessera's email for the user: the work email Entra maps (emails[type eq "work"].value), else the
// primary or first one; the caller falls back to userName, which Entra fills with the UPN.
function workEmail(emails: unknown): string | undefined {
  if (!Array.isArray(emails)) return undefined;
  const list = emails.filter((e): e is Json => isObject(e) && typeof e.value === 'string' && e.value.trim() !== '');
  const work = list.find((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work');
  const primary = list.find((e) => e.primary === true);
  return ((work ?? primary ?? list[0])?.value as string | undefined)?.trim();
}

function personName(document: Json): string | null {
  const name = isObject(document.name) ? document.name : {};
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const joined = [text(name.givenName), text(name.familyName)].filter(Boolean).join(' ');
  const result = text(document.displayName) || text(name.formatted) || joined;
  return result ? result.slice(0, 200) : null;
}

function requiredString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ScimError(400, `"${name}" is required and must be a non-empty string`, 'invalidValue');
  if (value.length > MAX_KEY_LENGTH) throw new ScimError(400, `"${name}" is longer than ${MAX_KEY_LENGTH} characters`, 'invalidValue');
  return value;
}

function optionalString(document: Json, name: string): string | null {
  const value = document[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ScimError(400, `"${name}" must be a string`, 'invalidValue');
  if (value.length > MAX_KEY_LENGTH) throw new ScimError(400, `"${name}" is longer than ${MAX_KEY_LENGTH} characters`, 'invalidValue');
  return value;
}

function toBoolean(value: unknown): boolean | undefined {
  if (value === null) return true; // unassigned: the default, active
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
