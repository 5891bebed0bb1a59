// Calls the REST API's route handlers in-process with real Request objects, exactly as Next.js
// would, against the test database.
import * as collections from '@/app/api/v1/collections/[collectionSlug]/instances/[instanceID]/route';
import * as lifecycle from '@/app/api/v1/devices/[deviceID]/lifecycle/route';
import * as one from '@/app/api/v1/devices/[deviceID]/route';
import * as list from '@/app/api/v1/devices/route';

export const BASE = 'http://tessera.test/api/v1';

export interface ApiOpts {
  token?: string | null;
  version?: string | null;
  headers?: Record<string, string>;
  rawBody?: string;
}

export function apiClient(token: string) {
  async function call(method: string, path: string, body?: unknown, opts: ApiOpts = {}) {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const tok = opts.token === undefined ? token : opts.token;
    if (tok) headers.authorization = `Bearer ${tok}`;
    const version = opts.version === undefined ? '2025-01-01' : opts.version;
    if (version) headers['x-smallstep-api-version'] = version;
    let payload: string | undefined = opts.rawBody;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const req = new Request(BASE + path, { method, headers, body: payload });
    const url = new URL(req.url);
    const parts = url.pathname.replace('/api/v1/', '').split('/');
    let res: Response;
    if (parts[0] === 'devices' && parts.length === 1) {
      res = await (method === 'GET' ? list.GET(req) : list.POST(req));
    } else if (parts[0] === 'devices' && parts.length === 2) {
      const ctx = { params: Promise.resolve({ deviceID: parts[1] }) };
      const h = { GET: one.GET, PATCH: one.PATCH, DELETE: one.DELETE }[method as 'GET']!;
      res = await h(req, ctx);
    } else if (parts[0] === 'devices' && parts[2] === 'lifecycle') {
      res = await lifecycle.PATCH(req, { params: Promise.resolve({ deviceID: parts[1] }) });
    } else if (parts[0] === 'collections') {
      res = await collections.PUT(req, { params: Promise.resolve({ collectionSlug: parts[1], instanceID: parts[3] }) });
    } else {
      throw new Error(`no route for ${path}`);
    }
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }
  return {
    call,
    get: (p: string, o?: ApiOpts) => call('GET', p, undefined, o),
    post: (p: string, b: unknown, o?: ApiOpts) => call('POST', p, b, o),
    patch: (p: string, b: unknown, o?: ApiOpts) => call('PATCH', p, b, o),
    put: (p: string, b: unknown, o?: ApiOpts) => call('PUT', p, b, o),
    del: (p: string, o?: ApiOpts) => call('DELETE', p, undefined, o),
  };
}

export function ekUri(seed: number): string {
  const bytes = Buffer.alloc(32);
  bytes.writeUInt32BE(seed);
  return `urn:ek:sha256:${bytes.toString('base64')}`;
}
