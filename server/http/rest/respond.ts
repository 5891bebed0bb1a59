// Response helpers for the REST API (Smallstep API 2025-01-01 wire format): every answer carries
// X-Request-Id and X-Smallstep-Api-Version; errors are {"message": "..."}.
import { randomUUID } from 'node:crypto';

export const API_VERSION = '2025-01-01';

export class ApiError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiContext {
  requestId: string;
}

export function requestIdOf(req: Request): string {
  const given = req.headers.get('x-request-id');
  return given && /^[\x21-\x7e]{1,200}$/.test(given) ? given : randomUUID();
}

export function headersFor(ctx: ApiContext, extra: Record<string, string> = {}): Headers {
  return new Headers({
    'x-request-id': ctx.requestId,
    'x-smallstep-api-version': API_VERSION,
    'cache-control': 'no-store',
    ...extra,
  });
}

export function json(ctx: ApiContext, status: number, body: unknown, extra: Record<string, string> = {}): Response {
  const headers = headersFor(ctx, { 'content-type': 'application/json', ...extra });
  return new Response(JSON.stringify(body), { status, headers });
}

export function noContent(ctx: ApiContext): Response {
  return new Response(null, { status: 204, headers: headersFor(ctx) });
}

export function errorResponse(ctx: ApiContext, status: number, message: string, extra: Record<string, string> = {}): Response {
  return json(ctx, status, { message }, extra);
}
