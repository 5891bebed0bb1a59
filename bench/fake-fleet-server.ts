// The fake Fleet server (tests/fakes/fake-fleet.ts) in a process of its own, for bench/mdm-sync.ts:
// the benchmark's RSS is then Tessera's alone. Serves BENCH_FLEET_HOSTS generated hosts (default
// 100,000), prints one JSON line with its URL, token and pid, and exits with its parent.
import { startFakeFleet } from '../tests/fakes/fake-fleet';

async function main() {
  const fleet = await startFakeFleet({ hostCount: Number(process.env.BENCH_FLEET_HOSTS ?? 100_000) });
  // The request log keeps every request's headers; a benchmark needs only the count.
  const log = fleet.requests;
  setInterval(() => log.splice(0, Math.max(0, log.length - 10)), 5_000).unref();
  const stop = () => void fleet.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop); // the parent went away
  process.stdin.resume();
  process.stdout.write(JSON.stringify({ url: fleet.url, token: fleet.token, pid: process.pid, hosts: fleet.hosts.size }) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
