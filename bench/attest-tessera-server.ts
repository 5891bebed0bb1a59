// Tessera's device-attestation route handlers (ACME, the TPM attestation CA, the PKI files) served
// over HTTP on 127.0.0.1 in a process of their own, for bench/attest.ts. Each answer carries a
// Server-Timing header with the handler's own time, so the benchmark can tell the server's share
// from the client's. The database comes from DATABASE_URL (the parent prepared it). Prints one JSON
// line with the URL and pid; exits with its parent.
import * as acmeRoute from '@/app/acme/[...path]/route';
import * as activateRoute from '@/app/attestation/v1/ak-activate/route';
import * as challengeRoute from '@/app/attestation/v1/ak-challenge/route';
import * as attestationRootRoute from '@/app/attestation/v1/root/route';
import * as pkiRoute from '@/app/pki/[authority]/[file]/route';
import { closeDb, getDb } from '@/server/db';
import type { Route } from '@/tests/helpers/http-server';
import { serveAsBenchChild } from './child-server';

type Handler = Route['methods'][string];

/** Adds `Server-Timing: app;dur=<ms>` (handler time, body included) to a route handler's answer. */
function timed(handler: Handler): Handler {
  return async (req, ctx) => {
    const t0 = performance.now();
    const res = await handler(req, ctx);
    const body = await res.arrayBuffer();
    const headers = new Headers(res.headers);
    headers.set('server-timing', `app;dur=${(performance.now() - t0).toFixed(2)}`);
    return new Response(req.method === 'HEAD' || res.status === 204 ? null : body, { status: res.status, headers });
  };
}

const acme = (method: 'GET' | 'HEAD' | 'POST'): Handler => (req, ctx) =>
  (ctx.params as Promise<{ path: string }>).then((p) => acmeRoute[method](req, { params: Promise.resolve({ path: p.path.split('/') }) }));

export const tesseraAttestationRoutes: Route[] = [
  { pattern: /^\/acme\/(?<path>.+)$/, methods: { GET: timed(acme('GET')), HEAD: timed(acme('HEAD')), POST: timed(acme('POST')) } },
  { pattern: /^\/attestation\/v1\/ak-challenge$/, methods: { POST: timed(challengeRoute.POST) } },
  { pattern: /^\/attestation\/v1\/ak-activate$/, methods: { POST: timed(activateRoute.POST) } },
  { pattern: /^\/attestation\/v1\/root$/, methods: { GET: timed(attestationRootRoute.GET) } },
  { pattern: /^\/pki\/(?<authority>[^/]+)\/(?<file>[^/]+)$/, methods: { GET: timed(pkiRoute.GET) } },
];

async function main() {
  await getDb(); // open and migrate before the first request, as `next start` would on boot
  await serveAsBenchChild({ name: 'attest', routes: tesseraAttestationRoutes, close: closeDb });
}

if (process.argv[1]?.endsWith('attest-tessera-server.ts')) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
