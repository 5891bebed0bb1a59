// Benchmark: TPM attestation + ACME issuance (the reference agent's whole `enroll`) against Tessera
// on a fresh PostgreSQL database, the server in a process of its own (bench/attest-tessera-server.ts).
// Each enrollment is a first enrollment of its own software TPM (swtpm, started and pre-registered
// as a device before timing): EK, AK and device key in the TPM, ak-challenge, TPM2_ActivateCredential,
// ak-activate, ACME account, order, device-attest-01 with TPM2_Certify, finalize with a CSR signed by
// TPM2_Sign, certificate download. The client is agent/enroll.ts in this process, so the software
// TPM's share can be separated: every request's latency is recorded (and the handler's own time,
// from Server-Timing); "server time" per enrollment is their sum, the rest of an enrollment is TPM
// and client work. Reports enrollments/s end to end (swtpm included), server time, p50/p99,
// failures (must be 0), and the machine's load.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import type { RequestTiming } from '@/agent/pinned-http';
import { cpuTimeMs, fmt, freshDatabase, machineBusyMs, percentiles, processTree, runConcurrently, startBenchChild } from './lib';

const N = Number(process.env.BENCH_N ?? 50);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,2').split(',').map(Number).filter((c) => c > 0);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const SECRET = 'bench-secret-bench-secret-bench-secret-000';

interface Device {
  tpm: import('@/tests/helpers/swtpm').SoftwareTpm;
  ekUri: string;
  stateDir: string;
}

interface Enrollment {
  ok: boolean;
  error?: string;
  ms: number;
  /** Sum of the request latencies the client saw. */
  requestMs: number;
  /** Sum of the handlers' own times (Server-Timing). */
  handlerMs: number;
  requests: RequestTiming[];
}

interface Run {
  concurrency: number;
  n: number;
  wallMs: number;
  enrollments: Enrollment[];
  cpu: { server: number; postgres: number; client: number; tpm: number; other: number };
  load: { before: number[]; after: number[] };
  machineBusyShare: number;
}

/** Which endpoint a request went to, for the per-endpoint table. */
function endpoint(t: RequestTiming): string {
  const p = new URL(t.url).pathname;
  if (p.startsWith('/attestation/v1/')) return p.slice('/attestation/v1/'.length);
  if (p.startsWith('/pki/')) return 'pki root.pem';
  const [, , , resource, , sub] = p.split('/');
  if (t.method === 'HEAD' || resource === 'new-nonce') return 'acme new-nonce';
  return `acme ${resource}${sub ? `/${sub}` : ''}`;
}

/** CPU ms this process's reaped children used (the tpm2-tools runs), from /proc/self/stat cutime+cstime. */
function reapedChildrenCpuMs(): number {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

async function startServer(databaseUrl: string, dataDir: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, TESSERA_SECRET: SECRET, TESSERA_DATA_DIR: dataDir, TESSERA_DISABLE_SCHEDULER: '1', NODE_ENV: 'production' };
  delete env.TESSERA_URL; // ACME URLs follow the request's origin
  const server = await startBenchChild(path.join('bench', 'attest-tessera-server.ts'), env);
  return { url: server.url, pid: server.pid, stop: server.stop };
}

async function main() {
  const started = performance.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-attest-'));
  const dataDir = path.join(work, 'data');
  fs.mkdirSync(dataDir);
  process.env.TESSERA_SECRET = SECRET;
  process.env.TESSERA_DATA_DIR = dataDir;
  process.env.TESSERA_DISABLE_SCHEDULER = '1';
  delete process.env.DATABASE_URL;

  const { haveSwtpm, SoftwareTpm } = await import('@/tests/helpers/swtpm');
  if (!haveSwtpm) throw new Error('swtpm and tpm2-tools are needed: apt-get install swtpm swtpm-tools tpm2-tools');
  const { migrateDatabase, openDatabase } = await import('@/server/db/client');
  const { certificates, devices } = await import('@/server/db/schema');
  const { setupTeam } = await import('@/server/services/team/setup-team');
  const { createDevice } = await import('@/server/services/devices/create-device');
  const { loadAuthority } = await import('@/server/services/pki/load-authority');
  const { loadAttestationCa } = await import('@/server/services/attestation/load-attestation-ca');
  const { AgentTpm } = await import('@/agent/tpm');
  const { Tpm2Tools } = await import('@/agent/tpm2-tools');
  const { enroll } = await import('@/agent/enroll');
  const { loadConfig } = await import('@/agent/config');

  const database = await freshDatabase('tessera_bench_attest');
  const handle = await openDatabase({ url: database.url, poolMax: 4 });
  const stops: Array<() => Promise<unknown>> = [];
  const liveTpms = new Set<import('@/tests/helpers/swtpm').SoftwareTpm>();
  const stopTpm = async (tpm: import('@/tests/helpers/swtpm').SoftwareTpm) => {
    if (liveTpms.delete(tpm)) await tpm.stop();
  };
  const runs: Run[] = [];
  let dbCheck = { certificates: 0, highAssurance: 0, expected: 0 };
  let fingerprint = '';
  try {
    await migrateDatabase(handle);
    const db = handle.db;
    const { owner } = await setupTeam(db, { teamName: 'Bench', slug: 'bench', ownerEmail: 'owner@bench.test', ownerPassword: 'bench-password-123' }, { type: 'cli' });
    const ownerActor = { type: 'user' as const, id: owner.id, label: owner.email, role: 'owner' as const };
    // Both CAs exist before timing (they are created on first use otherwise).
    fingerprint = certificateFingerprint((await loadAuthority(db)).row.rootCertPem).hex;
    await loadAttestationCa(db);

    const server = await startServer(database.url, dataDir);
    stops.push(server.stop);

    /** Software TPMs without EK certificates, each pre-registered (and so approved) through the API service. */
    let made = 0;
    const prepare = async (count: number): Promise<Device[]> => {
      const { results } = await runConcurrently(Array.from({ length: count }), 4, async () => {
        const tpm = await SoftwareTpm.start();
        liveTpms.add(tpm);
        const ek = await new AgentTpm(new Tpm2Tools({ tcti: tpm.tcti, cwd: tpm.dir }), path.join(tpm.dir, 'prep')).endorsementKey();
        const n = ++made;
        await createDevice(db, ownerActor, { permanentIdentifier: ek.ekUri, displayName: `bench-${n}` }, 'api');
        const stateDir = path.join(work, `agent-${n}`);
        return { tpm, ekUri: ek.ekUri, stateDir };
      });
      return results;
    };

    const enrollOne = async (device: Device): Promise<Enrollment> => {
      const requests: RequestTiming[] = [];
      const config = { ...loadConfig({ config: path.join(work, 'none.yaml'), server: server.url, fingerprint, stateDir: device.stateDir, tcti: device.tpm.tcti, team: 'bench', commonName: 'bench-host' }) };
      const t0 = performance.now();
      try {
        await enroll({ config, onTiming: (t) => requests.push(t) });
        return summarise(true, performance.now() - t0, requests);
      } catch (err) {
        return summarise(false, performance.now() - t0, requests, (err as Error).message);
      }
    };
    fs.writeFileSync(path.join(work, 'none.yaml'), '');

    console.log(`preparing ${WARMUP} warm-up TPMs…`);
    const warm = await runConcurrently(await prepare(WARMUP), 1, enrollOne);
    const warmFailures = warm.results.filter((e) => !e.ok);
    if (warmFailures.length) throw new Error(`warm-up enrollment failed: ${warmFailures[0].error}`);

    const dbName = new URL(database.url).pathname.slice(1);
    const pgPids = async () =>
      ((await db.execute(sql`select pid from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`)) as unknown as Array<{ pid: number }>).map((r) => Number(r.pid));

    for (const c of CONCURRENCY) {
      let t = performance.now();
      const batch = await prepare(N);
      console.log(`c=${c}: started and registered ${N} software TPMs in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed)`);
      const tpmPids = () => processTree(process.pid).filter((pid) => pid !== process.pid && pid !== server.pid);
      const pg0 = await pgPids();
      const before = {
        server: cpuTimeMs([server.pid]),
        pg: new Map(pg0.map((pid) => [pid, cpuTimeMs([pid])])),
        client: process.cpuUsage(),
        tpm: new Map(tpmPids().map((pid) => [pid, cpuTimeMs([pid])])),
        reaped: reapedChildrenCpuMs(),
        machine: machineBusyMs(),
        load: os.loadavg(),
      };
      t = performance.now();
      const { results, wallMs } = await runConcurrently(batch, c, enrollOne);
      const machine = machineBusyMs() - before.machine;
      const serverCpu = cpuTimeMs([server.pid]) - before.server;
      let pgCpu = 0;
      for (const pid of new Set([...pg0, ...(await pgPids())])) pgCpu += cpuTimeMs([pid]) - (before.pg.get(pid) ?? 0);
      let swtpmCpu = 0;
      for (const pid of tpmPids()) swtpmCpu += cpuTimeMs([pid]) - (before.tpm.get(pid) ?? 0);
      const toolsCpu = reapedChildrenCpuMs() - before.reaped;
      const client = process.cpuUsage(before.client);
      const clientCpu = (client.user + client.system) / 1000;
      const other = Math.max(0, machine - serverCpu - pgCpu - swtpmCpu - toolsCpu - clientCpu);
      const per = (ms: number) => ms / batch.length;
      runs.push({
        concurrency: c,
        n: batch.length,
        wallMs,
        enrollments: results,
        cpu: { server: per(serverCpu), postgres: per(pgCpu), client: per(clientCpu), tpm: per(swtpmCpu + toolsCpu), other: per(other) },
        load: { before: before.load, after: os.loadavg() },
        machineBusyShare: machine / (wallMs * os.cpus().length),
      });
      const ok = results.filter((r) => r.ok).length;
      console.log(`c=${c}: ${((ok / wallMs) * 1000).toFixed(2)} enrollments/s end to end, ${results.length - ok} failed (${((performance.now() - t) / 1000).toFixed(1)} s)`);
      // Free the TPMs of this batch before the next one.
      await Promise.all(batch.map((d) => stopTpm(d.tpm)));
    }

    const [certs] = await db.select({ n: sql<number>`count(*)::int` }).from(certificates).where(eq(certificates.issuedVia, 'acme'));
    const [high] = await db.select({ n: sql<number>`count(*)::int` }).from(devices).where(and(eq(devices.assurance, 'high'), isNotNull(devices.attestedAt)));
    dbCheck = { certificates: certs.n, highAssurance: high.n, expected: WARMUP + runs.reduce((s, r) => s + r.enrollments.filter((e) => e.ok).length, 0) };
  } finally {
    await Promise.all([...liveTpms].map((tpm) => stopTpm(tpm).catch(() => {})));
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await handle.close();
    await database.drop();
    fs.rmSync(work, { recursive: true, force: true });
  }

  // ─── report ───────────────────────────────────────────────────────────────────────────────
  const cpus = os.cpus();
  console.log(`\nTPM attestation + ACME issuance benchmark: ${N} first enrollments per run, each of its own swtpm, this machine (${cpus.length} cores, ${cpus[0]?.model.trim()})`);
  console.log('Tessera: ACME, attestation-CA and PKI route handlers over node:http (tests/helpers/http-server.ts) in a process of their own, PostgreSQL (fresh database).');
  console.log('Client: the reference agent (agent/enroll.ts) in this process, tpm2-tools 5.4 against swtpm; RSA-2048 EK and AK, ECDSA P-256 device key.');
  console.log('\n| concurrency | enrollments/s (end to end, swtpm included) | enrollment p50 | p99 | server time / enrollment p50 | p99 | handler time / enrollment p50 | requests / enrollment | failed |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of runs) {
    const okRuns = r.enrollments.filter((e) => e.ok);
    const e2e = percentiles(okRuns.map((e) => e.ms));
    const srv = percentiles(okRuns.map((e) => e.requestMs));
    const handler = percentiles(okRuns.map((e) => e.handlerMs));
    const requests = okRuns.reduce((s, e) => s + e.requests.length, 0) / Math.max(1, okRuns.length);
    console.log(
      `| ${r.concurrency} | ${((okRuns.length / r.wallMs) * 1000).toFixed(2)} | ${fmt(e2e.p50)} | ${fmt(e2e.p99)} | ${fmt(srv.p50)} | ${fmt(srv.p99)} | ${fmt(handler.p50)} | ${requests.toFixed(1)} | ${r.n - okRuns.length}/${r.n} |`,
    );
  }
  console.log('server time = the sum of the latencies the client saw for its requests to Tessera (ak-challenge, ak-activate, every ACME request, root.pem), loopback included; handler time = the same requests timed inside the server (Server-Timing). The rest of an enrollment is TPM work (swtpm + tpm2-tools processes) and the client.');
  const first = runs.find((r) => r.concurrency === 1) ?? runs[0];
  if (first) {
    const okRuns = first.enrollments.filter((e) => e.ok);
    const meanServer = okRuns.reduce((s, e) => s + e.requestMs, 0) / Math.max(1, okRuns.length);
    const meanHandler = okRuns.reduce((s, e) => s + e.handlerMs, 0) / Math.max(1, okRuns.length);
    const meanE2e = okRuns.reduce((s, e) => s + e.ms, 0) / Math.max(1, okRuns.length);
    console.log(
      `\nAt concurrency ${first.concurrency}, an enrollment took ${fmt(meanE2e)} on average, of which ${fmt(meanServer)} (${((meanServer / meanE2e) * 100).toFixed(0)}%) waiting for Tessera and ${fmt(meanE2e - meanServer)} in the TPM and the client. Excluding the software TPM, one Tessera process would serve at most ~${(1000 / meanHandler).toFixed(1)} enrollments/s one at a time (1 s ÷ handler time ${fmt(meanHandler)}).`,
    );

    // Per endpoint, from the concurrency-1 run.
    const byEndpoint = new Map<string, { ms: number[]; handler: number[] }>();
    for (const e of okRuns)
      for (const req of e.requests) {
        const k = endpoint(req);
        const slot = byEndpoint.get(k) ?? { ms: [], handler: [] };
        slot.ms.push(req.ms);
        if (req.serverMs !== undefined) slot.handler.push(req.serverMs);
        byEndpoint.set(k, slot);
      }
    console.log(`\n| request (concurrency ${first.concurrency}) | per enrollment | latency p50 | p99 | handler p50 |`);
    console.log('|---|---|---|---|---|');
    for (const [k, v] of [...byEndpoint.entries()].sort((a, b) => percentiles(b[1].ms).p50 * b[1].ms.length - percentiles(a[1].ms).p50 * a[1].ms.length)) {
      const lat = percentiles(v.ms);
      console.log(`| ${k} | ${(v.ms.length / okRuns.length).toFixed(1)} | ${fmt(lat.p50)} | ${fmt(lat.p99)} | ${v.handler.length ? fmt(percentiles(v.handler).p50) : '–'} |`);
    }
  }

  console.log('\n| concurrency | CPU ms / enrollment: server · PostgreSQL · TPM (swtpm + tpm2-tools) · client · other processes | machine busy | load average before → after (1 min) |');
  console.log('|---|---|---|---|');
  for (const r of runs) {
    const c = r.cpu;
    console.log(
      `| ${r.concurrency} | ${c.server.toFixed(1)} · ${c.postgres.toFixed(1)} · ${c.tpm.toFixed(1)} · ${c.client.toFixed(1)} · ${c.other.toFixed(1)} | ${(r.machineBusyShare * 100).toFixed(0)}% of ${cpus.length} cores | ${r.load.before[0].toFixed(2)} → ${r.load.after[0].toFixed(2)} |`,
    );
  }
  const worst = runs.reduce((a, r) => (r.cpu.other > a.cpu.other ? r : a), runs[0]);
  if (worst) {
    const otherShare = (worst.cpu.other * worst.n) / (worst.wallMs * cpus.length);
    console.log(
      otherShare > 0.1
        ? `WARNING: processes outside this benchmark used ${(otherShare * 100).toFixed(0)}% of the machine during the c=${worst.concurrency} run; the figures are disturbed (the machine is shared), run again on a quiet machine.`
        : `Processes outside this benchmark used at most ${(otherShare * 100).toFixed(0)}% of the machine during the timed runs.`,
    );
  }

  const failures = runs.flatMap((r) => r.enrollments.filter((e) => !e.ok).map((e) => e.error));
  const total = runs.reduce((s, r) => s + r.n, 0);
  console.log(`\n| check | measured | result |`);
  console.log('|---|---|---|');
  console.log(`| zero failed enrollments | ${failures.length} of ${total} | ${failures.length === 0 ? 'PASS' : 'FAIL'} |`);
  const dbOk = dbCheck.certificates === dbCheck.expected && dbCheck.highAssurance === dbCheck.expected;
  console.log(`| database: one ACME certificate and one high-assurance device per enrollment (warm-up included) | ${dbCheck.certificates} certificates, ${dbCheck.highAssurance} high-assurance devices, ${dbCheck.expected} expected | ${dbOk ? 'PASS' : 'FAIL'} |`);
  if (failures.length) console.log(`Failures: ${[...new Set(failures)].slice(0, 5).join('; ')}`);
  console.log(`\nwhole run: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (failures.length || !dbOk) process.exitCode = 1;
}

function summarise(ok: boolean, ms: number, requests: RequestTiming[], error?: string): Enrollment {
  return {
    ok,
    error,
    ms,
    requestMs: requests.reduce((s, r) => s + r.ms, 0),
    handlerMs: requests.reduce((s, r) => s + (r.serverMs ?? 0), 0),
    requests,
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
