// Tessera's SCEP and challenge-webhook route handlers served over HTTP on 127.0.0.1 in a process
// of their own (like micromdm's scepserver), for bench/scep.ts. The database comes from
// DATABASE_URL; the parent prepared it. Prints one JSON line with the URL, exits with its parent.
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import * as scepRoute from '@/app/scep/[integrationId]/route';
import * as challengeRoute from '@/app/webhook/[integrationId]/challenge/route';
import { closeDb, getDb } from '@/server/db';
import { serveRoutes, type Route } from '@/tests/helpers/http-server';

export const tesseraScepRoutes: Route[] = [
  { pattern: /^\/scep\/(?<integrationId>[^/]+)$/, methods: { GET: scepRoute.GET, POST: scepRoute.POST } },
  { pattern: /^\/webhook\/(?<integrationId>[^/]+)\/challenge$/, methods: { POST: challengeRoute.POST } },
];

async function main() {
  await getDb(); // open and migrate before the first request, as `next start` would on boot
  const server = await serveRoutes(tesseraScepRoutes);
  // Not server.close(): it would wait for the parent's keep-alive connections.
  const stop = () => void closeDb().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop); // the parent went away
  // BENCH_CPU_PROFILE=DIR: SIGUSR2 starts a V8 CPU profile, the next SIGUSR2 writes it there, so
  // a profile covers just the timed enrollments (not start-up or challenge fetching).
  const dir = process.env.BENCH_CPU_PROFILE;
  if (dir) {
    const session = new Session();
    session.connect();
    let running = false;
    process.on('SIGUSR2', async () => {
      if (!running) {
        running = true;
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 200 });
        await session.post('Profiler.start');
        return;
      }
      running = false;
      const { profile } = await session.post('Profiler.stop');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `tessera-scep-${Date.now()}.cpuprofile`), JSON.stringify(profile));
      process.stderr.write(`[bench] CPU profile written to ${dir}\n`);
    });
  }
  process.stdin.resume();
  process.stdout.write(JSON.stringify({ url: server.url, pid: process.pid }) + '\n');
}

if (process.argv[1]?.endsWith('scep-tessera-server.ts')) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
