// SCIM 2.0 transport (RFC 7644 §3) at /scim/v2: bearer authentication with SCIM tokens, routing,
// body and query parsing, and the one place where errors become the SCIM error schema (§3.12,
// "status" as a string). Resources and their rules live in server/services/scim. Bad input of any
// kind is a 4xx: an identity provider that sees 5xx retries and eventually quarantines the app.
import { ZodError } from 'zod';
import { getDb, type Db } from '@/server/db';
import { clientIp } from '@/server/auth/request-ip';
import type { Actor } from '@/server/services/actor';
import { ServiceError, isUniqueViolation } from '@/server/services/errors';
import { ScimError, toScimErrorBody } from '@/lib/scim/errors';
import { parseListParams, type ListParams } from '@/lib/scim/list-params';
import { SCIM_SCHEMAS } from '@/lib/scim/schemas';
import { verifyScimToken } from '@/server/services/scim/verify-scim-token';
import { createScimUser } from '@/server/services/scim/create-scim-user';
import { getScimUser } from '@/server/services/scim/get-scim-user';
import { listScimUsers } from '@/server/services/scim/list-scim-users';
import { replaceScimUser } from '@/server/services/scim/replace-scim-user';
import { patchScimUser } from '@/server/services/scim/patch-scim-user';
import { deleteScimUser } from '@/server/services/scim/delete-scim-user';
import { createScimGroup } from '@/server/services/scim/create-scim-group';
import { getScimGroup } from '@/server/services/scim/get-scim-group';
import { listScimGroups } from '@/server/services/scim/list-scim-groups';
import { replaceScimGroup } from '@/server/services/scim/replace-scim-group';
import { patchScimGroup } from '@/server/services/scim/patch-scim-group';
import { deleteScimGroup } from '@/server/services/scim/delete-scim-group';
import { MAX_RESULTS, resourceTypes, schemaDefinitions, serviceProviderConfig } from '@/server/services/scim/scim-discovery';
import { publicBaseUrl } from './base-url';
import { bearerToken } from './rest/handler';
import { readBodyLimited } from './read-body';

export const SCIM_CONTENT_TYPE = 'application/scim+json';
const MAX_BODY = 1024 * 1024;
const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
// Far beyond any real filter; a longer one (thousands of "or" terms) is refused before it is parsed.
const MAX_FILTER = 10_000;

interface ScimCall {
  db: Db;
  actor: Actor;
  req: Request;
  url: URL;
  baseUrl: string;
}

const unauthorized: Record<string, string> = {
  missing: 'Send the SCIM secret token as "Authorization: Bearer <token>"',
  invalid: 'The SCIM token is not valid',
  revoked: 'The SCIM token has been revoked',
};

function respond(status: number, body?: unknown, headers: Record<string, string> = {}): Response {
  if (body === undefined) return new Response(null, { status, headers: { 'cache-control': 'no-store', ...headers } });
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': `${SCIM_CONTENT_TYPE}; charset=utf-8`, 'cache-control': 'no-store', ...headers },
  });
}

function listResponse(resources: unknown[]) {
  return { schemas: [SCIM_SCHEMAS.listResponse], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources };
}

export async function handleScim(req: Request, path: string[]): Promise<Response> {
  try {
    const db = await getDb();
    const check = await verifyScimToken(db, bearerToken(req), clientIp(req.headers));
    if (!check.ok) {
      return respond(401, toScimErrorBody(new ScimError(401, unauthorized[check.reason])), { 'www-authenticate': 'Bearer realm="tessera-scim"' });
    }
    const call: ScimCall = { db, actor: check.actor, req, url: new URL(req.url), baseUrl: publicBaseUrl(req) };
    return await route(call, path);
  } catch (err) {
    return errorResponse(err, req);
  }
}

async function route(call: ScimCall, path: string[]): Promise<Response> {
  const { req } = call;
  const [endpoint = '', id, ...rest] = path;
  const method = req.method.toUpperCase();
  if (rest.length > 0) throw notFound(path);
  switch (endpoint.toLowerCase()) {
    case 'users':
      return id === undefined ? collection(call, method, 'Users') : id === '.search' ? search(call, method, 'Users') : user(call, method, id);
    case 'groups':
      return id === undefined ? collection(call, method, 'Groups') : id === '.search' ? search(call, method, 'Groups') : group(call, method, id);
    case 'serviceproviderconfig':
      if (id !== undefined) throw notFound(path);
      allow(method, ['GET']);
      return respond(200, serviceProviderConfig(call.baseUrl));
    case 'resourcetypes':
      allow(method, ['GET']);
      return respond(200, pick(resourceTypes(call.baseUrl), id, path));
    case 'schemas':
      allow(method, ['GET']);
      return respond(200, pick(schemaDefinitions(call.baseUrl), id, path));
    case 'me':
      throw new ScimError(501, 'The /Me endpoint is not supported');
    default:
      throw notFound(path);
  }
}

async function collection(call: ScimCall, method: string, kind: 'Users' | 'Groups'): Promise<Response> {
  allow(method, ['GET', 'POST']);
  if (method === 'GET') return list(call, kind, listParams(call.url.searchParams));
  const body = await readJson(call.req);
  const resource = kind === 'Users' ? await createScimUser(call.db, call.actor, { body, baseUrl: call.baseUrl }) : await createScimGroup(call.db, call.actor, { body, baseUrl: call.baseUrl });
  return respond(201, resource, { location: (resource.meta as { location: string }).location });
}

// RFC 7644 §3.4.3: a query sent as a POST body, for filters too long for a URL.
async function search(call: ScimCall, method: string, kind: 'Users' | 'Groups'): Promise<Response> {
  allow(method, ['POST']);
  const body = await readJson(call.req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ScimError(400, 'A search request body must be a JSON object', 'invalidSyntax');
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'schemas') continue;
    if (Array.isArray(value)) query[key] = value.join(',');
    else if (typeof value === 'string' || typeof value === 'number') query[key] = String(value);
  }
  if (Array.isArray((body as { schemas?: unknown }).schemas) && !(body as { schemas: unknown[] }).schemas.includes(SEARCH_REQUEST)) {
    throw new ScimError(400, `A search request must use the schema ${SEARCH_REQUEST}`, 'invalidSyntax');
  }
  return list(call, kind, listParams(new URLSearchParams(query)));
}

function listParams(query: URLSearchParams): ListParams {
  for (const [name, value] of query) {
    if (name.toLowerCase() === 'filter' && value.length > MAX_FILTER) {
      throw new ScimError(400, `The filter is longer than ${MAX_FILTER} characters`, 'invalidFilter');
    }
  }
  return parseListParams(query, { maxCount: MAX_RESULTS });
}

async function list(call: ScimCall, kind: 'Users' | 'Groups', params: ListParams): Promise<Response> {
  if (params.filter && JSON.stringify(params.filter).includes('\\u0000')) throw new ScimError(400, 'Filter values cannot contain NUL characters', 'invalidFilter');
  const page = kind === 'Users' ? await listScimUsers(call.db, params, call.baseUrl) : await listScimGroups(call.db, params, call.baseUrl);
  return respond(200, page);
}

async function user(call: ScimCall, method: string, id: string): Promise<Response> {
  allow(method, ['GET', 'PUT', 'PATCH', 'DELETE']);
  const { db, actor, baseUrl } = call;
  switch (method) {
    case 'GET':
      return respond(200, await getScimUser(db, { id, baseUrl, selection: selection(call) }));
    case 'PUT':
      return respond(200, await replaceScimUser(db, actor, { id, body: await readJson(call.req), baseUrl }));
    case 'PATCH':
      return respond(200, await patchScimUser(db, actor, { id, body: await readJson(call.req), baseUrl }));
    default:
      await deleteScimUser(db, actor, { id });
      return respond(204);
  }
}

async function group(call: ScimCall, method: string, id: string): Promise<Response> {
  allow(method, ['GET', 'PUT', 'PATCH', 'DELETE']);
  const { db, actor, baseUrl } = call;
  switch (method) {
    case 'GET':
      return respond(200, await getScimGroup(db, { id, baseUrl, selection: selection(call) }));
    case 'PUT':
      return respond(200, await replaceScimGroup(db, actor, { id, body: await readJson(call.req), baseUrl }));
    case 'PATCH':
      await patchScimGroup(db, actor, { id, body: await readJson(call.req) });
      return respond(204);
    default:
      await deleteScimGroup(db, actor, { id });
      return respond(204);
  }
}

function selection(call: ScimCall) {
  const { attributes, excludedAttributes } = parseListParams(
    { attributes: call.url.searchParams.get('attributes') ?? undefined, excludedAttributes: call.url.searchParams.get('excludedAttributes') ?? undefined },
  );
  return { attributes, excludedAttributes };
}

function pick(resources: Record<string, unknown>[], id: string | undefined, path: string[]): unknown {
  if (id === undefined) return listResponse(resources);
  const found = resources.find((r) => typeof r.id === 'string' && r.id.toLowerCase() === id.toLowerCase());
  if (!found) throw notFound(path);
  return found;
}

function allow(method: string, methods: string[]): void {
  if (!methods.includes(method)) throw new ScimError(405, `${method} is not supported here; use ${methods.join(', ')}`);
}

function notFound(path: string[]): ScimError {
  return new ScimError(404, `No SCIM resource at /scim/v2/${path.map((p) => p.slice(0, 100)).join('/')}`);
}

async function readJson(req: Request): Promise<unknown> {
  const raw = await readBodyLimited(req, MAX_BODY);
  if (!raw) throw new ScimError(413, `The request body is larger than ${MAX_BODY} bytes`);
  const text = raw.toString('utf8');
  if (!text.trim()) throw new ScimError(400, 'The request needs a JSON body', 'invalidSyntax');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new ScimError(400, `The body is not valid JSON: ${(err as Error).message}`, 'invalidSyntax');
  }
  // PostgreSQL text and jsonb cannot hold NUL; refuse it here rather than fail in the database.
  if (JSON.stringify(body).includes('\\u0000')) throw new ScimError(400, 'Values cannot contain NUL characters', 'invalidValue');
  return body;
}

const serviceStatus: Record<ServiceError['code'], number> = { BAD_REQUEST: 400, NOT_FOUND: 404, CONFLICT: 409, FORBIDDEN: 403, PRECONDITION_FAILED: 412 };

function errorResponse(err: unknown, req: Request): Response {
  if (err instanceof ScimError) return respond(err.status, toScimErrorBody(err));
  if (err instanceof ServiceError) {
    const status = serviceStatus[err.code];
    return respond(status, toScimErrorBody(new ScimError(status, err.message, status === 409 ? 'uniqueness' : status === 400 ? 'invalidValue' : undefined)));
  }
  if (err instanceof ZodError) {
    return respond(400, toScimErrorBody(new ScimError(400, err.issues.map((i) => i.message).join('; '), 'invalidValue')));
  }
  if (isUniqueViolation(err)) {
    const constraint = databaseError(err)?.constraint ?? '';
    const what = constraint.includes('user_name') ? 'userName' : constraint.includes('email') ? 'email address' : 'value';
    return respond(409, toScimErrorBody(new ScimError(409, `Another resource already has this ${what}`, 'uniqueness')));
  }
  // Data exceptions (class 22: a value the column type cannot hold) and index-size limits are the
  // client's input, not a server fault.
  const code = databaseError(err)?.code ?? '';
  if (code.startsWith('22') || code === '54000') {
    return respond(400, toScimErrorBody(new ScimError(400, 'A value in the request cannot be stored', 'invalidValue')));
  }
  console.error(`[scim] ${req.method} ${new URL(req.url).pathname} failed:`, err);
  return respond(500, toScimErrorBody(err));
}

function databaseError(err: unknown): { code?: string; constraint?: string } | undefined {
  for (let e = err as { code?: unknown; constraint?: unknown; constraint_name?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      const constraint = typeof e.constraint_name === 'string' ? e.constraint_name : typeof e.constraint === 'string' ? e.constraint : undefined;
      return { code: e.code, constraint };
    }
  }
  return undefined;
}
