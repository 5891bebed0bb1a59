// ACME (RFC 8555) transport for device certificates with device-attest-01, served under
// /acme/<authority>/ (today the Agents authority: /acme/agents/directory). This adapter reads the
// request, authenticates the JWS, calls server/services/acme and writes RFC 8555 responses:
// Replay-Nonce and Link rel="index" on every answer, problem+json for every refusal.
import { getDb, type Db } from '@/server/db';
import { AcmeProblem, serverInternalDocument, type ProblemDocument } from '@/lib/acme/problem';
import { acmeUrls, type AcmeUrls } from '@/lib/acme/urls';
import { clientIp } from '@/server/auth/request-ip';
import { ServiceError } from '@/server/services/errors';
import { AGENTS_AUTHORITY } from '@/server/services/pki/load-authority';
import type { AcmeContext } from '@/server/services/acme/acme-context';
import { accountObject } from '@/server/services/acme/acme-objects';
import { authenticateRequest } from '@/server/services/acme/authenticate-request';
import { finalizeOrder } from '@/server/services/acme/finalize-order';
import { getAuthorization } from '@/server/services/acme/get-authorization';
import { getCertificateChain } from '@/server/services/acme/get-certificate-chain';
import { getOrder } from '@/server/services/acme/get-order';
import { issueNonce } from '@/server/services/acme/issue-nonce';
import { listAccountOrders } from '@/server/services/acme/list-account-orders';
import { newAccount } from '@/server/services/acme/new-account';
import { newOrder } from '@/server/services/acme/new-order';
import { respondToChallenge } from '@/server/services/acme/respond-to-challenge';
import { revokeAcmeCertificate } from '@/server/services/acme/revoke-acme-certificate';
import { updateAccount } from '@/server/services/acme/update-account';
import { orderObject } from '@/server/services/acme/acme-objects';
import { publicBaseUrl } from './base-url';
import { readBodyLimited } from './read-body';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_BODY = 256 * 1024;
const AUTHORITIES = new Set([AGENTS_AUTHORITY]);

interface Reply {
  status: number;
  body?: unknown;
  /** Raw text body with its own content type (certificate chains). */
  text?: { body: string; contentType: string };
  location?: string;
  links?: string[];
  headers?: Record<string, string>;
}

class BodyTooLarge extends Error {}

async function readBody(req: Request): Promise<string> {
  const body = await readBodyLimited(req, MAX_BODY);
  if (!body) throw new BodyTooLarge();
  return body.toString('utf8');
}

function directory(urls: AcmeUrls, base: string) {
  return {
    newNonce: urls.newNonce,
    newAccount: urls.newAccount,
    newOrder: urls.newOrder,
    revokeCert: urls.revokeCert,
    meta: {
      website: base,
      externalAccountRequired: false,
    },
  };
}

const idOf = (value: string | undefined) => {
  if (!value || !UUID.test(value)) throw new AcmeProblem('malformed', 'No such resource', 404);
  return value;
};

async function route(db: Db, req: Request, rest: string[], ctx: AcmeContext, base: string): Promise<Reply> {
  const { urls } = ctx;
  const [resource, id, sub, ...extra] = rest;
  if (extra.length) throw new AcmeProblem('malformed', 'No such resource', 404);

  if (resource === 'directory' && !id) {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new AcmeProblem('malformed', 'Read the directory with GET', 405);
    return { status: 200, body: directory(urls, base) };
  }
  if (resource === 'new-nonce' && !id) {
    if (req.method === 'HEAD') return { status: 200 };
    if (req.method === 'GET') return { status: 204 };
    throw new AcmeProblem('malformed', 'Get a nonce with HEAD or GET', 405);
  }
  const known = ['new-account', 'new-order', 'revoke-cert', 'acct', 'order', 'authz', 'chall', 'cert'];
  if (!known.includes(resource ?? '')) throw new AcmeProblem('malformed', 'No such resource', 404);
  if (req.method !== 'POST') {
    throw new AcmeProblem('malformed', 'ACME resources are read with POST-as-GET (RFC 8555 §6.3)', 405);
  }
  const contentType = (req.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (contentType !== 'application/jose+json') throw new AcmeProblem('malformed', 'The request must be application/jose+json', 415);
  let body: string;
  try {
    body = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new AcmeProblem('malformed', `The request is larger than ${MAX_BODY} bytes`, 413);
    throw err;
  }

  switch (resource) {
    case 'new-account': {
      if (id) break;
      const auth = await authenticateRequest(db, ctx, body, { requireJwk: true });
      if (auth.by !== 'jwk') break;
      const { account, created } = await newAccount(db, ctx, { jwk: auth.jwk, thumbprint: auth.thumbprint, payload: auth.jws.payload });
      return { status: created ? 201 : 200, body: accountObject(account, urls), location: urls.account(account.id) };
    }
    case 'acct': {
      const accountId = idOf(id);
      const auth = await authenticateRequest(db, ctx, body);
      if (auth.by !== 'kid') break;
      if (sub === 'orders') return { status: 200, body: await listAccountOrders(db, ctx, auth.account, accountId) };
      if (sub) break;
      const account = await updateAccount(db, ctx, auth.account, accountId, auth.jws.payload);
      return { status: 200, body: accountObject(account, urls), location: urls.account(account.id) };
    }
    case 'new-order': {
      if (id) break;
      const auth = await authenticateRequest(db, ctx, body);
      if (auth.by !== 'kid') break;
      const { order, authorization } = await newOrder(db, ctx, auth.account, auth.jws.payload);
      return { status: 201, body: orderObject(order, [authorization.id], urls), location: urls.order(order.id) };
    }
    case 'order': {
      const orderId = idOf(id);
      const auth = await authenticateRequest(db, ctx, body);
      if (auth.by !== 'kid') break;
      if (sub === 'finalize') {
        const order = await finalizeOrder(db, ctx, auth.account, orderId, auth.jws.payload, { crlUrl: `${base}/pki/${AGENTS_AUTHORITY}/crl` });
        return { status: 200, body: order, location: urls.order(orderId) };
      }
      if (sub) break;
      return { status: 200, body: await getOrder(db, ctx, auth.account, orderId, auth.jws.payload), location: urls.order(orderId) };
    }
    case 'authz': {
      if (sub) break;
      const authorizationId = idOf(id);
      const auth = await authenticateRequest(db, ctx, body);
      if (auth.by !== 'kid') break;
      return { status: 200, body: await getAuthorization(db, ctx, auth.account, authorizationId, auth.jws.payload) };
    }
    case 'chall': {
      if (sub) break;
      const challengeId = idOf(id);
      const auth = await authenticateRequest(db, ctx, body);
      if (auth.by !== 'kid') break;
      const { challenge, up } = await respondToChallenge(db, ctx, auth.account, auth.jwk, challengeId, auth.jws.payload);
      return { status: 200, body: challenge, links: [`<${up}>;rel="up"`] };
    }
    case 'cert': {
      if (sub) break;
      const certificateId = idOf(id);
      const auth = await authenticateRequest(db, ctx, body);
      if (auth.by !== 'kid') break;
      const pem = await getCertificateChain(db, auth.account, certificateId, auth.jws.payload);
      return { status: 200, text: { body: pem, contentType: 'application/pem-certificate-chain' } };
    }
    case 'revoke-cert': {
      if (id) break;
      const auth = await authenticateRequest(db, ctx, body, { allowJwk: true });
      await revokeAcmeCertificate(db, ctx, auth);
      return { status: 200 };
    }
  }
  throw new AcmeProblem('malformed', 'No such resource', 404);
}

function problemFor(err: unknown): ProblemDocument {
  if (err instanceof AcmeProblem) return err.toDocument();
  if (err instanceof ServiceError) {
    // Business refusals from shared services (a conflicting device record, no team yet).
    const status = err.code === 'NOT_FOUND' ? 404 : err.code === 'FORBIDDEN' ? 403 : 400;
    const type = err.code === 'FORBIDDEN' ? 'unauthorized' : 'malformed';
    return new AcmeProblem(type, err.message, status).toDocument();
  }
  console.error('[acme] request failed:', err);
  return serverInternalDocument();
}

export async function handleAcme(req: Request, path: string[]): Promise<Response> {
  const base = publicBaseUrl(req);
  const [authority, ...rest] = path;
  const urls = acmeUrls(base, authority ?? '');
  const headers = new Headers({ 'cache-control': 'no-store' });
  let reply: Reply;
  let db: Db | undefined;
  try {
    if (!authority || !AUTHORITIES.has(authority)) throw new AcmeProblem('malformed', 'No ACME directory here', 404);
    headers.set('link', `<${urls.directory}>;rel="index"`);
    db = await getDb();
    const ctx: AcmeContext = { urls, requestUrl: `${urls.base}/${rest.join('/')}`, ip: clientIp(req.headers) };
    reply = await route(db, req, rest, ctx, base);
  } catch (err) {
    const doc = problemFor(err);
    reply = { status: doc.status ?? 500, body: doc, headers: { 'content-type': 'application/problem+json' } };
    if (doc.status === 405) reply.headers!.allow = rest[0] === 'directory' ? 'GET, HEAD' : rest[0] === 'new-nonce' ? 'GET, HEAD' : 'POST';
  }

  if (db) {
    try {
      headers.set('replay-nonce', await issueNonce(db));
    } catch (err) {
      console.error('[acme] could not issue a nonce:', err);
    }
  }
  if (reply.location) headers.set('location', reply.location);
  for (const link of reply.links ?? []) headers.append('link', link);
  for (const [k, v] of Object.entries(reply.headers ?? {})) headers.set(k, v);
  if (reply.text) {
    headers.set('content-type', reply.text.contentType);
    return new Response(req.method === 'HEAD' ? null : reply.text.body, { status: reply.status, headers });
  }
  if (reply.body === undefined || reply.status === 204 || req.method === 'HEAD') return new Response(null, { status: reply.status, headers });
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(reply.body), { status: reply.status, headers });
}
