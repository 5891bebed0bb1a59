// Benchmark: SCEP enrollment throughput (RFC 8894 PKCSReq → CertRep) of Tessera on PostgreSQL
// against micromdm's scepserver started in the same run, with its default CA (RSA-4096) and with
// `-keySize 2048`. RSA-2048 client keys and the PKIOperation messages are made before timing by
// an in-process client (forking scepclient per enrollment would measure the fork); CertReps are
// checked after each timed run. Targets on a 2-core machine: ≥ 1.5× micromdm at equal key size,
// ≥ 4× micromdm's default, p99 ≤ 50 ms at concurrency 4, no failed enrollment, unique serials.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { ParsedCertificate } from '@/lib/pki/parse-certificate';
import { parseCertificate } from '@/lib/pki/parse-certificate';
import type { ContentCipher } from '@/lib/scep/content-cipher';
import { cpuTimeMs, fmt, freePort, freshDatabase, machineBusyMs, opensslSpeed, percentiles, processTree, runConcurrently, startBenchChild, startNextServer, stderrTail, waitUntil } from './lib';
import {
  buildEnrollment,
  checkCertRep,
  generateClientKeys,
  postPkiOperation,
  replyCipher,
  type ClientKey,
  type Enrollment,
  type Exchange,
} from './scep-client';

const N = Number(process.env.BENCH_N ?? 300);
const DES_N = Number(process.env.BENCH_DES_N ?? 100); // 0 skips the DES-CBC run
// Distinct client keys; each configuration cycles through them. RSA-2048 key generation costs
// ~0.3 s of CPU here, so 300 × 6 fresh keys would not fit the time budget; the servers keep no
// state per key (Tessera's replay binding is per challenge, micromdm's check is per subject).
const KEYS = Number(process.env.BENCH_KEYS ?? 64);
const WARMUP = 50; // at the highest concurrency, so JIT, connection pools and PostgreSQL backends are warm
const CONCURRENCY = [1, 4] as const;
const CIPHER: ContentCipher = 'aes-128-cbc';
// How Tessera is served: `process` (default) = the route handlers over node:http in a process of
// their own, like scepserver; `in-process` = the same inside this process; `next` = `next start`
// (the production server; needs an up-to-date `next build`).
const SERVER_MODE = (['in-process', 'next'] as const).find((m) => m === process.env.BENCH_TESSERA_SERVER) ?? 'process';
const SECRET = 'bench-secret-bench-secret-bench-secret-000';
const HOST_UUID = '5E1F0C2A-7B3D-4C8E-9A61-0B2C3D4E5F60';
const MICROMDM_CHALLENGE = 'BENCHCHALLENGE0123456789ABCDEFGH';

interface Run {
  server: string;
  concurrency: number;
  cipher: ContentCipher;
  n: number;
  wallMs: number;
  perSecond: number;
  latency: ReturnType<typeof percentiles>;
  failures: string[];
  serials: string[];
  replyCipher: string;
  /** CPU milliseconds per enrollment during the timed run. */
  cpu: { server?: number; postgres?: number; client: number };
  /** Share of the machine's CPU other processes (not server, PostgreSQL backends, client) used. */
  otherLoad: number;
}

/** Processes whose CPU time a run accounts: the server's and PostgreSQL's backends (listed before and after the run). */
interface CpuProbe {
  server?: () => number[];
  postgres?: () => Promise<number[]>;
}

/** Times the POSTs only; the CertReps are read afterwards (each costs the client an RSA decryption). */
async function timedRun(server: string, url: string, ra: ParsedCertificate, enrollments: Enrollment[], concurrency: number, cipher: ContentCipher, probe: CpuProbe = {}): Promise<Run> {
  const pgBefore = probe.postgres ? await probe.postgres() : [];
  const serverPids = probe.server?.() ?? [];
  const cpuBefore = { server: cpuTimeMs(serverPids), postgres: new Map(pgBefore.map((pid) => [pid, cpuTimeMs([pid])])), client: process.cpuUsage() };
  const machineBefore = machineBusyMs();
  const { results, wallMs } = await runConcurrently(enrollments, concurrency, (e) => postPkiOperation(url, e.message));
  const machine = machineBusyMs() - machineBefore;
  const clientCpu = process.cpuUsage(cpuBefore.client);
  const serverCpu = probe.server ? cpuTimeMs(serverPids) - cpuBefore.server : undefined;
  let postgresCpu: number | undefined;
  if (probe.postgres) {
    postgresCpu = 0;
    for (const pid of new Set([...pgBefore, ...(await probe.postgres())])) postgresCpu += cpuTimeMs([pid]) - (cpuBefore.postgres.get(pid) ?? 0);
  }
  const per = (ms: number | undefined) => (ms === undefined ? undefined : ms / enrollments.length);
  const failures: string[] = [];
  const serials: string[] = [];
  let firstSuccess = -1;
  results.forEach((exchange, i) => {
    const outcome = checkCertRep(exchange, enrollments[i], ra);
    if (outcome.ok) {
      serials.push(outcome.serial);
      if (firstSuccess < 0) firstSuccess = i;
    } else failures.push(outcome.reason);
  });
  return {
    server,
    concurrency,
    cipher,
    n: enrollments.length,
    wallMs,
    perSecond: (enrollments.length / wallMs) * 1000,
    latency: percentiles(results.map((r: Exchange) => r.ms)),
    failures,
    serials,
    replyCipher: firstSuccess < 0 ? 'none' : replyCipher(results[firstSuccess], enrollments[firstSuccess], ra),
    cpu: { server: per(serverCpu), postgres: per(postgresCpu), client: (clientCpu.user + clientCpu.system) / 1000 / enrollments.length },
    otherLoad: Math.max(0, machine - (serverCpu ?? 0) - (postgresCpu ?? 0) - (clientCpu.user + clientCpu.system) / 1000) / (wallMs * os.cpus().length),
  };
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { timeout: 120_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout + stderr))),
  );
}

/** Keeps the tail of a child's stderr for error messages without letting the pipe fill up. */
// ─── Tessera ────────────────────────────────────────────────────────────────────────────────

async function startTessera(databaseUrl: string, dataDir: string, handle: import('@/server/db/client').DbHandle): Promise<{ url: string; pids: () => number[]; stop: () => Promise<unknown>; profile?: () => void }> {
  if (SERVER_MODE === 'next') {
    const port = await freePort();
    const server = await startNextServer({ DATABASE_URL: databaseUrl, TESSERA_SECRET: SECRET, TESSERA_DATA_DIR: dataDir, TESSERA_DISABLE_SCHEDULER: '1', TESSERA_URL: `http://127.0.0.1:${port}` }, port);
    return { url: server.base, pids: () => processTree(server.pid), stop: server.stop };
  }
  if (SERVER_MODE === 'in-process') {
    const { useDatabase } = await import('@/server/db');
    const { serveRoutes } = await import('@/tests/helpers/http-server');
    const { tesseraScepRoutes } = await import('./scep-tessera-server');
    useDatabase(handle);
    const server = await serveRoutes(tesseraScepRoutes);
    return { url: server.url, pids: () => [], stop: () => server.close() };
  }
  const server = await startBenchChild(path.join('bench', 'scep-tessera-server.ts'), {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TESSERA_SECRET: SECRET,
    TESSERA_DATA_DIR: dataDir,
    TESSERA_DISABLE_SCHEDULER: '1',
    NODE_ENV: 'production',
    // BENCH_CPU_PROFILE=DIR: a V8 CPU profile of the server during the timed Tessera runs.
    ...(process.env.BENCH_CPU_PROFILE ? { BENCH_CPU_PROFILE: path.resolve(process.env.BENCH_CPU_PROFILE) } : {}),
  });
  return { url: server.url, profile: server.profile, pids: () => [server.pid], stop: server.stop };
}

// ─── micromdm ───────────────────────────────────────────────────────────────────────────────

async function startMicromdm(keySize: number | undefined) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-micromdm-'));
  const depot = path.join(dir, 'depot');
  await run('scepserver', ['ca', '-init', '-depot', depot, ...(keySize ? ['-keySize', String(keySize)] : [])]);
  const port = await freePort();
  // scepserver 2.1 has no listen-address flag (it listens on ":<port>", all interfaces); every
  // request of this benchmark goes to 127.0.0.1.
  const child = spawn('scepserver', ['-depot', depot, '-port', String(port), '-challenge', MICROMDM_CHALLENGE], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = stderrTail(child);
  const url = `http://127.0.0.1:${port}/scep`;
  try {
    await waitUntil('scepserver', async () => (await fetch(`${url}?operation=GetCACaps`)).ok, 15_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}: ${stderr()}`);
  }
  const caps = (await (await fetch(`${url}?operation=GetCACaps`)).text()).split('\n').filter(Boolean);
  const res = await fetch(`${url}?operation=GetCACert`);
  if (res.headers.get('content-type') !== 'application/x-x509-ca-cert') throw new Error(`scepserver GetCACert answered ${res.headers.get('content-type')}`);
  const ra = parseCertificate(Buffer.from(await res.arrayBuffer()));
  const bits = ra.publicKey().asymmetricKeyDetails?.modulusLength;
  return {
    url,
    pid: child.pid,
    ra,
    caps,
    bits,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ─── the run ────────────────────────────────────────────────────────────────────────────────

async function main() {
  const started = performance.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-scep-'));
  // Set before any Tessera module reads its environment (lib/env.ts reads it once).
  process.env.TESSERA_SECRET = SECRET;
  process.env.TESSERA_DATA_DIR = dataDir;
  process.env.TESSERA_DISABLE_SCHEDULER = '1';
  delete process.env.DATABASE_URL;

  // 1. The crypto ceiling, measured first on an idle machine (each figure is one core).
  console.log('openssl speed (rsa2048, ecdsap256, rsa4096)…');
  const rsa2048 = await opensslSpeed('rsa2048', 2);
  const p256 = await opensslSpeed('ecdsap256', 1);
  const rsa4096 = await opensslSpeed('rsa4096', 1);

  // 2. Client keys (reused across configurations; each is used once per configuration).
  const keyCount = Math.min(KEYS, Math.max(N, DES_N, WARMUP));
  let t = performance.now();
  const keys = await generateClientKeys(keyCount);
  console.log(`generated ${keyCount} RSA-2048 client keys in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const keyAt = (i: number): ClientKey => keys[i % keys.length];

  const { migrateDatabase, openDatabase } = await import('@/server/db/client');
  const { certificates, scepChallenges } = await import('@/server/db/schema');
  const { setupTeam } = await import('@/server/services/team/setup-team');
  const { createFleetIntegration } = await import('@/server/services/integrations/create-fleet-integration');
  const { recordDeviceSource } = await import('@/server/services/devices/record-device-source');
  const { setDeviceApproval } = await import('@/server/services/devices/set-device-approval');
  const { loadAuthority } = await import('@/server/services/pki/load-authority');

  const database = await freshDatabase('tessera_bench_scep');
  const handle = await openDatabase({ url: database.url, poolMax: 10 });
  const stops: Array<() => Promise<unknown>> = [];
  const runs: Run[] = [];
  let webhook: { sequential: ReturnType<typeof percentiles>; parallelPerSecond: number; parallelCount: number } | undefined;
  let tesseraDb: { certificates: number; distinctSerials: number; consumed: number } | undefined;
  const micromdmInfo: Array<{ label: string; bits?: number; caps: string[] }> = [];
  let correctness = true;
  try {
    // 3. Tessera: a team, a Fleet connection and one approved device (each enrollment carries a
    // fresh single-use challenge, so one device is enough; CN = its host UUID).
    await migrateDatabase(handle);
    const db = handle.db;
    const { owner } = await setupTeam(db, { teamName: 'Bench', slug: 'bench', ownerEmail: 'owner@bench.test', ownerPassword: 'bench-password-123' }, { type: 'cli' });
    const ownerActor = { type: 'user' as const, id: owner.id, label: owner.email, role: 'owner' as const };
    const fleet = await createFleetIntegration(db, ownerActor, { name: 'Fleet bench', url: 'https://fleet.example.com', apiToken: 'tok' });
    const { device } = await recordDeviceSource(db, { type: 'mdm', label: 'fleet' }, {
      kind: 'fleet', source: `mdm:${fleet.integration.id}`, externalId: '1', facts: { hardwareUuid: HOST_UUID, serial: 'C02BENCHSCEP', displayName: 'Bench Mac' }, authoritative: false,
    });
    await setDeviceApproval(db, ownerActor, { deviceIds: [device.id], decision: 'approved' });
    const tesseraRa = (await loadAuthority(db)).ra;

    const tessera = await startTessera(database.url, dataDir, handle);
    stops.push(tessera.stop);
    const scepUrl = `${tessera.url}/scep/${fleet.integration.id}`;
    const cacert = await fetch(`${scepUrl}?operation=GetCACert`);
    if (cacert.status !== 200) throw new Error(`Tessera GetCACert answered ${cacert.status}`);
    await cacert.arrayBuffer();

    // Challenges come from Fleet's webhook before timing; its latency is reported on its own.
    const basic = `Basic ${Buffer.from(`${fleet.challengeUsername}:${fleet.challengePassword}`).toString('base64')}`;
    const fetchChallenge = async () => {
      const t0 = performance.now();
      const res = await fetch(`${tessera.url}/webhook/${fleet.integration.id}/challenge`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/json' },
        body: JSON.stringify({
          webhook: { webhookEvent: 'SCEPChallenge', id: 1, eventTimestamp: Math.floor(Date.now() / 1000), name: 'SCEPChallenge' },
          event: { scepServerUrl: scepUrl, payloadIdentifier: crypto.randomUUID(), payloadTypes: ['com.apple.security.scep'] },
        }),
      });
      const challenge = await res.text();
      if (res.status !== 200) throw new Error(`the challenge webhook answered ${res.status}: ${challenge}`);
      return { challenge, ms: performance.now() - t0 };
    };
    const needed = WARMUP + N * CONCURRENCY.length + DES_N;
    t = performance.now();
    const sequentialCount = Math.min(50, needed);
    const sequential: Array<{ challenge: string; ms: number }> = [];
    for (let i = 0; i < sequentialCount; i++) sequential.push(await fetchChallenge());
    const parallel = await runConcurrently(Array.from({ length: needed - sequentialCount }), 4, () => fetchChallenge());
    const challenges = [...sequential, ...parallel.results].map((c) => c.challenge);
    webhook = {
      sequential: percentiles(sequential.map((c) => c.ms)),
      parallelPerSecond: parallel.results.length ? (parallel.results.length / parallel.wallMs) * 1000 : 0,
      parallelCount: parallel.results.length,
    };
    console.log(`fetched ${needed} challenges from the webhook in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    let nextChallenge = 0;
    const tesseraEnrollments = (count: number, cipher: ContentCipher) =>
      Array.from({ length: count }, (_, i) => buildEnrollment(keyAt(i), { commonName: HOST_UUID, challenge: challenges[nextChallenge++], ra: tesseraRa, cipher }));

    const tesseraLabel = 'Tessera';
    const toggleProfile = async () => {
      if (!process.env.BENCH_CPU_PROFILE || !tessera.profile) return;
      tessera.profile();
      await new Promise((r) => setTimeout(r, 300));
    };
    const dbName = new URL(database.url).pathname.slice(1);
    const probe: CpuProbe = {
      server: SERVER_MODE === 'in-process' ? undefined : tessera.pids,
      postgres: async () =>
        ((await db.execute(sql`select pid from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`)) as unknown as Array<{ pid: number }>).map((r) => Number(r.pid)),
    };
    const warm = await timedRun('warm-up', scepUrl, tesseraRa, tesseraEnrollments(WARMUP, CIPHER), Math.max(...CONCURRENCY), CIPHER);
    const tesseraSerials = [...warm.serials];
    if (warm.failures.length) throw new Error(`Tessera warm-up failed: ${warm.failures[0]}`);
    await toggleProfile();
    for (const c of CONCURRENCY) {
      const enrollments = tesseraEnrollments(N, CIPHER);
      const r = await timedRun(tesseraLabel, scepUrl, tesseraRa, enrollments, c, CIPHER, probe);
      runs.push(r);
      tesseraSerials.push(...r.serials);
      console.log(`Tessera c=${c}: ${r.perSecond.toFixed(0)}/s, p50 ${fmt(r.latency.p50)}, p99 ${fmt(r.latency.p99)}, ${r.failures.length} failed`);
    }
    if (DES_N > 0) {
      const r = await timedRun(tesseraLabel, scepUrl, tesseraRa, tesseraEnrollments(DES_N, 'des-cbc'), 4, 'des-cbc', probe);
      runs.push(r);
      tesseraSerials.push(...r.serials);
      console.log(`Tessera DES-CBC c=4: ${r.perSecond.toFixed(0)}/s, p50 ${fmt(r.latency.p50)}, p99 ${fmt(r.latency.p99)}, ${r.failures.length} failed`);
    }
    await toggleProfile();
    const [row] = await db
      .select({ n: sql<number>`count(*)::int`, distinct: sql<number>`count(distinct ${certificates.serialHex})::int` })
      .from(certificates);
    const [consumed] = await db.select({ n: sql<number>`count(*)::int` }).from(scepChallenges).where(sql`${scepChallenges.consumedAt} is not null`);
    tesseraDb = { certificates: row.n, distinctSerials: row.distinct, consumed: consumed.n };
    if (new Set(tesseraSerials).size !== tesseraSerials.length) correctness = false;
    if (tesseraDb.certificates !== tesseraSerials.length || tesseraDb.distinctSerials !== tesseraSerials.length) correctness = false;
    await tessera.stop();
    stops.pop();

    // 4. micromdm scepserver: default CA (RSA-4096), then -keySize 2048. A static challenge; each
    // enrollment needs its own subject (its file depot refuses a DN it has already issued).
    for (const [label, keySize] of [['micromdm default', undefined], ['micromdm -keySize 2048', 2048]] as const) {
      const m = await startMicromdm(keySize);
      stops.push(m.stop);
      micromdmInfo.push({ label, bits: m.bits, caps: m.caps });
      const tag = keySize ?? 'default';
      const enrollments = (count: number, phase: string) =>
        Array.from({ length: count }, (_, i) => buildEnrollment(keyAt(i), { commonName: `bench-${tag}-${phase}-${i}`, challenge: MICROMDM_CHALLENGE, ra: m.ra, cipher: CIPHER }));
      const mWarm = await timedRun('warm-up', m.url, m.ra, enrollments(WARMUP, 'warm'), Math.max(...CONCURRENCY), CIPHER);
      // Its file depot fails some requests under concurrency (see the table); only a server that
      // enrolls nothing is a set-up error.
      if (mWarm.serials.length === 0) throw new Error(`${label} warm-up failed: ${mWarm.failures[0]}`);
      for (const c of CONCURRENCY) {
        const r = await timedRun(label, m.url, m.ra, enrollments(N, `c${c}`), c, CIPHER, { server: () => (m.pid ? [m.pid] : []) });
        runs.push(r);
        console.log(`${label} c=${c}: ${r.perSecond.toFixed(0)}/s, p50 ${fmt(r.latency.p50)}, p99 ${fmt(r.latency.p99)}, ${r.failures.length} failed`);
      }
      await m.stop();
      stops.pop();
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await handle.close();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  // ─── report ───────────────────────────────────────────────────────────────────────────────
  const find = (server: string, c: number, cipher: ContentCipher = CIPHER) => runs.find((r) => r.server === server && r.concurrency === c && r.cipher === cipher)!;
  const unique = (rs: Run[]) => {
    const all = rs.flatMap((r) => r.serials);
    return new Set(all).size === all.length;
  };
  const x = (v: number) => `${v.toFixed(2)}×`;
  const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const tesseraHow = {
    process: 'route handlers served over HTTP by node:http (tests/helpers/http-server.ts) in a process of their own, not `next start`',
    'in-process': 'route handlers served over HTTP by node:http inside the benchmark process, not `next start`',
    next: '`next start` (production build)',
  }[SERVER_MODE];

  console.log(`\nSCEP enrollment benchmark: ${N} RSA-2048 PKCSReq per configuration, ${CIPHER.toUpperCase()} + SHA-256 messages, this machine (${os.cpus().length} cores, ${os.cpus()[0]?.model.trim()})`);
  console.log(`Tessera: ${tesseraHow}, PostgreSQL; RA RSA-2048, certificates signed by an ECDSA P-256 intermediate.`);
  for (const m of micromdmInfo) console.log(`${m.label}: scepserver (Debian scep 2.1.0), file depot, CA RSA-${m.bits} (also its RA); GetCACaps: ${m.caps.join(' ')}.`);
  const cpu = (ms: number | undefined) => (ms === undefined ? '–' : ms.toFixed(2));
  console.log('\n| server | concurrency | enrollments/s | p50 | p99 | max | failed | serials unique | CPU ms/enrollment: server · PostgreSQL · client |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of runs) {
    const name = r.cipher === CIPHER ? r.server : `${r.server} (${r.cipher.toUpperCase()} messages)`;
    const dups = r.serials.length - new Set(r.serials).size;
    console.log(
      `| ${name} | ${r.concurrency} | ${r.perSecond.toFixed(1)} | ${fmt(r.latency.p50)} | ${fmt(r.latency.p99)} | ${fmt(r.latency.max)} | ${r.failures.length}/${r.n} | ${dups ? `NO (${dups} duplicates)` : 'yes'} | ${cpu(r.cpu.server)} · ${cpu(r.cpu.postgres)} · ${cpu(r.cpu.client)} |`,
    );
  }
  console.log('enrollments/s counts every request (a failed one included); CPU from /proc, client = this process.');
  const busiest = runs.reduce((a, r) => (r.otherLoad > a.otherLoad ? r : a), runs[0]);
  console.log(
    busiest.otherLoad > 0.1
      ? `WARNING: other processes used up to ${(busiest.otherLoad * 100).toFixed(0)}% of the machine during a timed run (${busiest.server}, c=${busiest.concurrency}); the figures are disturbed, run again on a quiet machine.`
      : `Other processes used at most ${(busiest.otherLoad * 100).toFixed(0)}% of the machine during the timed runs (the rest was the servers, PostgreSQL and this client).`,
  );

  const ratio = (peer: string, c: number) => find('Tessera', c).perSecond / find(peer, c).perSecond;
  const eq = CONCURRENCY.map((c) => ratio('micromdm -keySize 2048', c));
  const def = CONCURRENCY.map((c) => ratio('micromdm default', c));
  const t4 = find('Tessera', 4);
  const tesseraRuns = runs.filter((r) => r.server === 'Tessera');
  const failed = tesseraRuns.reduce((s, r) => s + r.failures.length, 0);
  const total = tesseraRuns.reduce((s, r) => s + r.n, 0);
  const serialsOk = unique(tesseraRuns) && correctness;

  console.log('\n| ratio (Tessera ÷ peer, enrollments/s) | concurrency 1 | concurrency 4 | target | result |');
  console.log('|---|---|---|---|---|');
  console.log(`| micromdm -keySize 2048 (equal key size) | ${x(eq[0])} | ${x(eq[1])} | ≥ 1.5× | ${pass(Math.min(...eq) >= 1.5)} |`);
  console.log(`| micromdm default (RSA-4096 CA) | ${x(def[0])} | ${x(def[1])} | ≥ 4× | ${pass(Math.min(...def) >= 4)} |`);

  console.log('\n| target | measured | result |');
  console.log('|---|---|---|');
  console.log(`| ≥ 1.5× micromdm at equal key size | ${x(Math.min(...eq))} (lower of c=1, c=4) | ${pass(Math.min(...eq) >= 1.5)} |`);
  console.log(`| ≥ 4× micromdm's default | ${x(Math.min(...def))} (lower of c=1, c=4) | ${pass(Math.min(...def) >= 4)} |`);
  console.log(`| p99 ≤ 50 ms at concurrency 4 (Tessera) | ${fmt(t4.latency.p99)} | ${pass(t4.latency.p99 <= 50)} |`);
  console.log(`| zero failed enrollments (Tessera) | ${failed} of ${total} | ${pass(failed === 0)} |`);
  console.log(
    `| unique serial numbers under concurrency (Tessera) | ${tesseraRuns.reduce((s, r) => s + r.serials.length, 0)} serials over all runs, all distinct: ${unique(tesseraRuns) ? 'yes' : 'NO'}; database: ${tesseraDb?.certificates} certificates (warm-up included), ${tesseraDb?.distinctSerials} distinct serials, ${tesseraDb?.consumed} challenges consumed | ${pass(serialsOk)} |`,
  );
  for (const peer of ['micromdm default', 'micromdm -keySize 2048']) {
    const rs = runs.filter((r) => r.server === peer);
    const all = rs.flatMap((r) => r.serials);
    console.log(`| (peer) ${peer}: failed, duplicate serials | ${rs.reduce((s, r) => s + r.failures.length, 0)} of ${rs.reduce((s, r) => s + r.n, 0)} failed; ${all.length - new Set(all).size} duplicate serials | – |`);
  }

  // The crypto ceiling: RSA private-key operations one Tessera enrollment costs on the server.
  const ceiling = rsa2048.signsPerSecond / 2;
  const ceilingWithEc = 1 / (2 / rsa2048.signsPerSecond + 1 / p256.signsPerSecond);
  const best = Math.max(...runs.filter((r) => r.server === 'Tessera' && r.cipher === CIPHER).map((r) => r.perSecond));
  console.log('\nCrypto ceiling (openssl speed, one core):');
  console.log(`- rsa2048: ${rsa2048.signsPerSecond.toFixed(0)} signs/s; ecdsap256: ${p256.signsPerSecond.toFixed(0)} signs/s; rsa4096: ${rsa4096.signsPerSecond.toFixed(0)} signs/s.`);
  console.log('- Tessera, per enrollment: 2 RSA-2048 private-key operations (RA decrypts the key transport; RA signs the CertRep), plus 1 ECDSA P-256 signature (the certificate, by the intermediate); the rest is public-key work (request and CSR signature checks, the reply envelope to the client).');
  console.log(`- Ceiling = ${rsa2048.signsPerSecond.toFixed(0)} ÷ 2 = ${ceiling.toFixed(0)} enrollments/s per core (${ceilingWithEc.toFixed(0)}/s counting the ECDSA signature too).`);
  console.log(`- Tessera's best (${best.toFixed(1)}/s) is ${((best / ceiling) * 100).toFixed(1)}% of that ceiling (${((best / ceilingWithEc) * 100).toFixed(1)}% of the one with ECDSA); the machine has ${os.cpus().length} cores.`);
  console.log(`- micromdm default, for comparison: 3 RSA-4096 private-key operations per enrollment (decrypt, certificate, CertRep) → at most ${(rsa4096.signsPerSecond / 3).toFixed(0)}/s per core with OpenSSL's RSA (Go's is slower).`);
  if (webhook) {
    console.log(
      `\nChallenge webhook (Basic auth + a new challenge; not in the enrollment timings): ${webhook.sequential.n} sequential: p50 ${fmt(webhook.sequential.p50)}, p99 ${fmt(webhook.sequential.p99)}; ${webhook.parallelCount} at concurrency 4: ${webhook.parallelPerSecond.toFixed(1)}/s.`,
    );
  }
  const des = runs.find((r) => r.cipher === 'des-cbc');
  if (des) {
    const aes4 = find('Tessera', 4);
    console.log(`DES-CBC messages (micromdm scepclient's default, pure-JS des.js in Tessera): ${des.perSecond.toFixed(1)}/s at concurrency 4 vs ${aes4.perSecond.toFixed(1)}/s with AES-128-CBC; p99 ${fmt(des.latency.p99)}.`);
  }
  const replies = [...new Set(runs.map((r) => `${r.server}: ${r.replyCipher}`))].join('; ');
  console.log(`Reply envelopes: ${replies}.`);
  const failureKinds = [...new Set(runs.flatMap((r) => r.failures.map((f) => `${r.server}: ${f}`)))];
  if (failureKinds.length) console.log(`Failures: ${failureKinds.slice(0, 10).join('; ')}`);
  console.log(`\nwhole run: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (failed > 0 || !serialsOk) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
