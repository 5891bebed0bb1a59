// What each benchmark's server process shares: serve the route handlers on 127.0.0.1, stop with
// the parent (signal or closed stdin), optionally profile the timed part, and print one JSON line
// with the URL for the parent to read.
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { serveRoutes, type Route } from '@/tests/helpers/http-server';

export async function serveAsBenchChild(opts: { name: string; routes: Route[]; close: () => Promise<unknown> }): Promise<void> {
  const server = await serveRoutes(opts.routes);
  // Not server.close(): it would wait for the parent's keep-alive connections.
  const stop = () => void opts.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop); // the parent went away
  // BENCH_CPU_PROFILE=DIR: SIGUSR2 starts a V8 CPU profile, the next SIGUSR2 writes it there, so
  // a profile covers just the timed requests (not start-up or preparation).
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
      fs.writeFileSync(path.join(dir, `tessera-${opts.name}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
      process.stderr.write(`[bench] CPU profile written to ${dir}\n`);
    });
  }
  process.stdin.resume();
  process.stdout.write(JSON.stringify({ url: server.url, pid: process.pid }) + '\n');
}
