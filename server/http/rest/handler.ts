// Wraps every REST API route: request id, bearer-token authentication, version check, and one
// place where errors become the contract's {"message"} bodies. Unexpected errors are logged and
// answered with a generic 500 that reveals nothing.
import { getDb, type Db } from '@/server/db';
import { clientIp } from '@/server/auth/request-ip';
import type { Actor } from '@/server/services/actor';
import { ServiceError } from '@/server/services/errors';
import { verifyApiToken } from '@/server/services/api-tokens/verify-api-token';
import { ZodError } from 'zod';
import { checkVersion, zodMessage } from './parse';
import { ApiError, errorResponse, requestIdOf, type ApiContext } from './respond';

export interface ApiCall extends ApiContext {
  db: Db;
  actor: Actor;
  req: Request;
  url: URL;
}

const statusFor: Record<ServiceError['code'], number> = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
  PRECONDITION_FAILED: 422,
};

const unauthorized: Record<string, string> = {
  missing: 'Send an API token as "Authorization: Bearer <token>"',
  invalid: 'The API token is not valid',
  revoked: 'The API token has been revoked',
  expired: 'The API token has expired',
};

export function bearerToken(req: Request): string | null {
  const h = req.headers.get('authorization');
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m ? m[1] : null;
}

export async function handleApi(req: Request, fn: (call: ApiCall) => Promise<Response>): Promise<Response> {
  const ctx: ApiContext = { requestId: requestIdOf(req) };
  try {
    const db = await getDb();
    const check = await verifyApiToken(db, bearerToken(req), clientIp(req.headers));
    if (!check.ok) {
      return errorResponse(ctx, 401, unauthorized[check.reason], { 'www-authenticate': 'Bearer realm="tessera"' });
    }
    checkVersion(req);
    return await fn({ ...ctx, db, actor: check.actor, req, url: new URL(req.url) });
  } catch (err) {
    if (err instanceof ApiError) return errorResponse(ctx, err.status, err.message);
    if (err instanceof ServiceError) return errorResponse(ctx, statusFor[err.code], err.message);
    // Validation inside a service (limits on list parameters, say) is still the client's mistake.
    if (err instanceof ZodError) return errorResponse(ctx, 400, zodMessage(err));
    console.error(`[api] ${req.method} ${new URL(req.url).pathname} failed (request ${ctx.requestId}):`, err);
    return errorResponse(ctx, 500, `Internal server error (request ${ctx.requestId})`);
  }
}
