// Calls the SCIM route handler the way Next.js would, with Entra's headers.
import * as route from '@/app/scim/v2/[...path]/route';

export interface ScimResult {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

export function scimClient(token: string | null) {
  return async function scim(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, raw?: string): Promise<ScimResult> {
    const url = new URL(`http://t.test/scim/v2/${path}`);
    const segments = url.pathname.slice('/scim/v2/'.length).split('/').filter(Boolean).map(decodeURIComponent);
    const headers: Record<string, string> = { 'content-type': 'application/scim+json', accept: 'application/scim+json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const res = await route[method](new Request(url, { method, headers, body: payload }), { params: Promise.resolve({ path: segments }) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
}

export const q = (filter: string) => encodeURIComponent(filter);
