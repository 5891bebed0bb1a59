// Tessera's SCEP and challenge-webhook route handlers served over HTTP on 127.0.0.1 in a process
// of their own (like micromdm's scepserver), for bench/scep.ts. The database comes from
// DATABASE_URL; the parent prepared it. Prints one JSON line with the URL, exits with its parent.
import * as scepRoute from '@/app/scep/[integrationId]/route';
import * as challengeRoute from '@/app/webhook/[integrationId]/challenge/route';
import { closeDb, getDb } from '@/server/db';
import type { Route } from '@/tests/helpers/http-server';
import { serveAsBenchChild } from './child-server';

export const tesseraScepRoutes: Route[] = [
  { pattern: /^\/scep\/(?<integrationId>[^/]+)$/, methods: { GET: scepRoute.GET, POST: scepRoute.POST } },
  { pattern: /^\/webhook\/(?<integrationId>[^/]+)\/challenge$/, methods: { POST: challengeRoute.POST } },
];

async function main() {
  await getDb(); // open and migrate before the first request, as `next start` would on boot
  await serveAsBenchChild({ name: 'scep', routes: tesseraScepRoutes, close: closeDb });
}

if (process.argv[1]?.endsWith('scep-tessera-server.ts')) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
