// Benchmark: 100,000 devices on PostgreSQL. Seeds them, then times pages of 100 through the REST
// API and server renders of the console's devices page, over HTTP against `next start`.
// Targets on a 2-core machine: seed ≤ 30 s, API page p95 ≤ 50 ms, console page p95 ≤ 200 ms.
import { encode } from 'next-auth/jwt';
import { hkdfSync, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { migrateDatabase, openDatabase } from '@/server/db/client';
import { deviceSources, devices } from '@/server/db/schema';
import { createApiToken } from '@/server/services/api-tokens/create-api-token';
import { setupTeam } from '@/server/services/team/setup-team';
import { fmt, freshDatabase, percentiles, startServer } from './lib';

const N = Number(process.env.BENCH_DEVICES ?? 100_000);
const SECRET = 'bench-secret-bench-secret-bench-secret-000';
const OS = ['macOS', 'Windows', 'Linux', 'iOS'] as const;
const KINDS = ['fleet', 'jamf', 'api', 'manual'] as const;

async function main() {
  const database = await freshDatabase('tessera_bench');
  const handle = await openDatabase({ url: database.url, poolMax: 8 });
  let server: { base: string; stop: () => void } | undefined;
  try {
    await migrateDatabase(handle);
    const db = handle.db;
    const { owner } = await setupTeam(db, { teamName: 'Bench', slug: 'bench', ownerEmail: 'owner@bench.test', ownerPassword: 'bench-password-123' }, { type: 'cli' });
    const { token } = await createApiToken(db, { type: 'cli', label: 'bench', role: 'owner' }, { name: 'bench' });

    // Seed in batches of 2,000 rows per statement (one device and one source record each).
    const t0 = performance.now();
    const BATCH = 2000;
    const start = Date.now() - N * 60_000;
    for (let offset = 0; offset < N; offset += BATCH) {
      const rows: (typeof devices.$inferInsert)[] = [];
      const sources: (typeof deviceSources.$inferInsert)[] = [];
      for (let i = offset; i < Math.min(N, offset + BATCH); i++) {
        const id = randomUUID();
        const kind = KINDS[i % KINDS.length];
        const serial = `SN${String(i).padStart(8, '0')}`;
        rows.push({
          id,
          permanentIdentifier: i % 2 ? serial : `urn:ek:sha256:${Buffer.from(String(i).padStart(32, '0')).toString('base64')}`,
          serial,
          displayName: `Device ${i}`,
          hostname: `host-${i}.corp`,
          os: OS[i % OS.length],
          osVersion: '14.5',
          ownerEmail: `user${i % 5000}@bench.test`,
          tags: i % 10 === 0 ? ['lab'] : [],
          sourceKinds: [kind],
          approvalStatus: (i % 3 === 0 ? 'pending' : 'approved') as 'pending' | 'approved',
          assurance: (i % 7 === 0 ? 'high' : 'low') as 'high' | 'low',
          enrolledAt: new Date(start + i * 60_000),
          lastSeenAt: new Date(start + i * 60_000 + 3_600_000),
        });
        sources.push({ deviceId: id, kind, source: kind === 'fleet' || kind === 'jamf' ? `mdm:${kind}` : kind, externalId: String(i), normalized: { serial } });
      }
      await db.transaction(async (tx) => {
        await tx.insert(devices).values(rows);
        await tx.insert(deviceSources).values(sources);
      });
    }
    await db.execute(sql`analyze`);
    const seedMs = performance.now() - t0;
    console.log(`seeded ${N.toLocaleString('en-US')} devices in ${(seedMs / 1000).toFixed(1)} s`);

    server = await startServer(
      { DATABASE_URL: database.url, TESSERA_SECRET: SECRET, TESSERA_URL: 'http://127.0.0.1:3200', TESSERA_DISABLE_SCHEDULER: '1' },
      3200,
    );
    const { base } = server;

    // REST API: walk 150 pages of 100 with the cursor, then 50 filtered first pages.
    const api = async (path: string) => {
      const t = performance.now();
      const r = await fetch(base + path, { headers: { authorization: `Bearer ${token}`, 'x-smallstep-api-version': '2025-01-01' } });
      const body = (await r.json()) as unknown[];
      if (r.status !== 200 || body.length === 0) throw new Error(`API ${path} answered ${r.status}`);
      return { ms: performance.now() - t, next: r.headers.get('x-next-cursor') };
    };
    for (let i = 0; i < 10; i++) await api('/api/v1/devices?pagination[first]=100'); // warm-up
    const apiTimes: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 150; i++) {
      const r = await api(`/api/v1/devices?pagination[first]=100${cursor ? `&pagination[after]=${encodeURIComponent(cursor)}` : ''}`);
      apiTimes.push(r.ms);
      cursor = r.next;
    }
    const filters = [
      'filters[operatingSystem]=macOS',
      'filters[assurance]=high',
      'filters[onlyPendingApproval]=true',
      'filters[source]=Jamf',
      'sort[field]=lastSeen&sort[ascending]=true',
      'filters[search]=Device 4242',
      'filters[search]=user77@',
    ];
    for (let i = 0; i < 50; i++) apiTimes.push((await api(`/api/v1/devices?pagination[first]=100&${filters[i % filters.length]}`)).ms);

    // Console: server renders of /devices for a signed-in Owner.
    const key = Buffer.from(hkdfSync('sha256', SECRET, 'tessera', 'nextauth-session', 32)).toString('base64');
    const cookie = `next-auth.session-token=${await encode({ token: { uid: owner.id, sv: 1, sub: owner.id }, secret: key })}`;
    const pages = ['/devices', '/devices?approval=pending', '/devices?os=Windows', '/devices?q=host-9', '/devices?sort=lastSeen&dir=asc', '/devices?assurance=high&source=fleet'];
    const page = async (path: string) => {
      const t = performance.now();
      const r = await fetch(base + path, { headers: { cookie } });
      const html = await r.text();
      if (r.status !== 200 || !html.includes('Device ')) throw new Error(`console ${path} answered ${r.status}`);
      return performance.now() - t;
    };
    for (let i = 0; i < 5; i++) await page('/devices');
    const consoleTimes: number[] = [];
    for (let i = 0; i < 60; i++) consoleTimes.push(await page(pages[i % pages.length]));

    const a = percentiles(apiTimes);
    const c = percentiles(consoleTimes);
    console.log('\nTessera devices benchmark (PostgreSQL, next start, this machine)');
    console.log('| measure | Tessera | target |');
    console.log('|---|---|---|');
    console.log(`| seed ${N.toLocaleString('en-US')} devices | ${(seedMs / 1000).toFixed(1)} s | ≤ 30 s |`);
    console.log(`| API page of 100 (${a.n} requests) | p50 ${fmt(a.p50)}, p95 ${fmt(a.p95)}, p99 ${fmt(a.p99)} | p95 ≤ 50 ms |`);
    console.log(`| console /devices render (${c.n} requests) | p50 ${fmt(c.p50)}, p95 ${fmt(c.p95)}, p99 ${fmt(c.p99)} | p95 ≤ 200 ms |`);
  } finally {
    server?.stop();
    await handle.close();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
