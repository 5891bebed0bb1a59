// Benchmark: MDM sync of 100,000 Fleet hosts into PostgreSQL. A fake Fleet (tests/fakes/fake-fleet.ts)
// runs in a child process so the RSS sampled here is Tessera's alone; the sync engine runs in this
// process exactly as the scheduler runs it (server/jobs/mdm-sync.ts). Times the first sync and a
// no-change re-sync, samples RSS every 50 ms and counts every SQL statement sent to the server;
// then a third, informational re-sync after VACUUM ANALYZE (what autovacuum would have done).
// Targets on a 2-core machine: first sync ≤ 30 s, no-change re-sync ≤ 10 s, peak RSS ≤ 300 MB.
// BENCH_FLEET_HOSTS=N changes the host count; BENCH_KEEP_DB=1 keeps the database for EXPLAIN.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { PostgresJsPreparedQuery, PostgresJsSession } from 'drizzle-orm/postgres-js/session';
import postgres from 'postgres';
import { migrateDatabase, type Db, type DbHandle } from '@/server/db/client';
import * as schema from '@/server/db/schema';
import { auditLog, deviceSources, devices, mdmSyncRuns } from '@/server/db/schema';
import { syncIntegration } from '@/server/jobs/mdm-sync';
import type { Actor } from '@/server/services/actor';
import { createFleetIntegration } from '@/server/services/integrations/create-fleet-integration';
import { setupTeam } from '@/server/services/team/setup-team';
import { freshDatabase, percentiles } from './lib';

const HOSTS = Number(process.env.BENCH_FLEET_HOSTS ?? 100_000);
const SECRET = 'bench-secret-bench-secret-bench-secret-000';
const MB = 1024 * 1024;
const TARGET = { firstSyncS: 30, resyncS: 10, peakRssMb: 300 };

// ─── SQL statement counter ───────────────────────────────────────────────────────────────────

const shapes = new Map<string, string>();
/** A statement's text with parameter lists collapsed, so 500-row and 499-row batches group together. */
function shapeOf(text: string): string {
  // Memoised on length and prefix: normalising an 80 kB multi-row INSERT for every statement would
  // add the bench's own CPU time to Tessera's.
  const key = `${text.length}:${text.slice(0, 200)}`;
  let shape = shapes.get(key);
  if (shape === undefined) {
    shape = text
      .replace(/\s+/g, ' ')
      .replace(/\$\d+/g, '$')
      .replace(/\$(, \$)+/g, '$…')
      .replace(/\(\$…?\)(, \(\$…?\))+/g, '($…), …')
      .trim()
      .slice(0, 140);
    shapes.set(key, shape);
  }
  return shape;
}

/**
 * Counts what postgres-js sends, through its `debug` hook: every statement on the wire, including
 * the BEGIN/COMMIT of transactions that a drizzle logger would not see. Statements are grouped by
 * shape, with the characters of their parameters (JSON sizes) and, for those drizzle runs, the time
 * from send to the mapped result (the sync runs one statement at a time, so times add up).
 */
class StatementCounter {
  total = 0;
  paramChars = 0;
  transactions = { n: 0, ms: 0 };
  readonly byShape = new Map<string, { n: number; paramChars: number; ms: number }>();

  private entry(shape: string) {
    let s = this.byShape.get(shape);
    if (!s) this.byShape.set(shape, (s = { n: 0, paramChars: 0, ms: 0 }));
    return s;
  }

  record(text: string, parameters: unknown[]) {
    this.total++;
    let chars = 0;
    for (const p of parameters) chars += typeof p === 'string' ? p.length : p == null ? 0 : String(p).length;
    this.paramChars += chars;
    const s = this.entry(shapeOf(text));
    s.n++;
    s.paramChars += chars;
  }

  time(text: string, ms: number) {
    this.entry(shapeOf(text)).ms += ms;
  }

  reset() {
    this.total = 0;
    this.paramChars = 0;
    this.transactions = { n: 0, ms: 0 };
    this.byShape.clear();
  }

  snapshot() {
    return {
      total: this.total,
      paramChars: this.paramChars,
      transactions: { ...this.transactions },
      statementMs: [...this.byShape.values()].reduce((a, s) => a + s.ms, 0),
      byShape: [...this.byShape].sort((a, b) => b[1].ms - a[1].ms || b[1].n - a[1].n),
    };
  }
}

/** Times every drizzle statement and transaction of this process (the bench's own copy of drizzle). */
function timeDrizzle(counter: StatementCounter) {
  type Timed = { queryString: string };
  const proto = PostgresJsPreparedQuery.prototype as unknown as Record<'execute' | 'all', (this: Timed, ...a: unknown[]) => Promise<unknown>>;
  for (const method of ['execute', 'all'] as const) {
    const original = proto[method];
    proto[method] = async function (this: Timed, ...args: unknown[]) {
      const t = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        counter.time(this.queryString, performance.now() - t);
      }
    };
  }
  const session = PostgresJsSession.prototype as unknown as { transaction: (...a: unknown[]) => Promise<unknown> };
  const transaction = session.transaction;
  session.transaction = async function (this: unknown, ...args: unknown[]) {
    const t = performance.now();
    try {
      return await transaction.apply(this, args);
    } finally {
      counter.transactions.n++;
      counter.transactions.ms += performance.now() - t;
    }
  };
}

// ─── memory sampler ──────────────────────────────────────────────────────────────────────────

function rssOfPid(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function highWaterMark(pid: number | 'self'): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples this process's RSS and heap, and the fake's RSS, every 50 ms; keeps per-phase peaks. */
class MemorySampler {
  private timer?: NodeJS.Timeout;
  private last = performance.now();
  peak = { rss: 0, heapUsed: 0, external: 0, fakeRss: 0, maxGapMs: 0, samples: 0 };

  constructor(private readonly fakePid: number | undefined) {}

  start() {
    this.reset();
    this.timer = setInterval(() => this.sample(), 50);
  }

  reset() {
    this.peak = { rss: 0, heapUsed: 0, external: 0, fakeRss: 0, maxGapMs: 0, samples: 0 };
    this.last = performance.now();
    this.sample();
  }

  sample() {
    const now = performance.now();
    // A late sample means the event loop was blocked (JSON parsing, mapping a page) for that long.
    this.peak.maxGapMs = Math.max(this.peak.maxGapMs, now - this.last);
    this.last = now;
    const m = process.memoryUsage();
    this.peak.rss = Math.max(this.peak.rss, m.rss);
    this.peak.heapUsed = Math.max(this.peak.heapUsed, m.heapUsed);
    this.peak.external = Math.max(this.peak.external, m.external);
    if (this.fakePid) this.peak.fakeRss = Math.max(this.peak.fakeRss, rssOfPid(this.fakePid));
    this.peak.samples++;
  }

  stop() {
    clearInterval(this.timer);
  }
}

// ─── the fake Fleet, in its own process ──────────────────────────────────────────────────────

async function startFleetProcess(): Promise<{ url: string; token: string; pid: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('bench', 'fake-fleet-server.ts')], {
    env: { ...process.env, BENCH_FLEET_HOSTS: String(HOSTS) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const info = await new Promise<{ url: string; token: string; pid: number }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the fake Fleet did not start: ${stderr}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.on('exit', (code) => reject(new Error(`the fake Fleet exited with ${code}: ${stderr}`)));
  });
  return { ...info, child };
}

// ─── one timed sync ──────────────────────────────────────────────────────────────────────────

async function timedSync(db: Db, integrationId: string, counter: StatementCounter, sampler: MemorySampler) {
  const fetchMs: number[] = [];
  const pageMs: number[] = [];
  // Time to the response headers: the fake builds the whole page before it answers.
  const timedFetch: typeof fetch = async (input, init) => {
    const t = performance.now();
    const res = await fetch(input, init);
    fetchMs.push(performance.now() - t);
    return res;
  };
  counter.reset();
  sampler.reset();
  const t0 = performance.now();
  let last = t0;
  const outcome = await syncIntegration(db, integrationId, {
    trigger: 'manual',
    http: { fetch: timedFetch },
    afterPage: () => {
      const now = performance.now();
      pageMs.push(now - last);
      last = now;
    },
  });
  const wallMs = performance.now() - t0;
  sampler.sample();
  const statements = counter.snapshot();
  if (outcome.status !== 'succeeded') throw new Error(`the sync ended ${outcome.status}: ${outcome.run?.error ?? ''}`);
  const [run] = await db.select().from(mdmSyncRuns).where(eq(mdmSyncRuns.id, outcome.run.id));
  return { wallMs, run, statements, memory: { ...sampler.peak }, fetchMs, pageMs };
}

type SyncResult = Awaited<ReturnType<typeof timedSync>>;

// ─── main ────────────────────────────────────────────────────────────────────────────────────

async function main() {
  process.env.TESSERA_SECRET ??= SECRET; // integration credentials are encrypted with it
  const fleet = await startFleetProcess();
  const database = await freshDatabase('tessera_bench_mdm');
  const counter = new StatementCounter();
  timeDrizzle(counter);
  const client = postgres(database.url, {
    max: 10,
    onnotice: () => {},
    connection: { application_name: 'tessera-bench' },
    debug: (_connection, text, parameters) => counter.record(text, parameters as unknown[]),
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  const handle: DbHandle = { db, kind: 'postgres', close: () => client.end({ timeout: 5 }) };
  const sampler = new MemorySampler(fleet.pid);
  try {
    await migrateDatabase(handle);
    const { owner } = await setupTeam(
      db,
      { teamName: 'Bench', slug: 'bench', ownerEmail: 'owner@bench.test', ownerPassword: 'bench-password-123' },
      { type: 'cli' },
    );
    const ownerActor: Actor = { type: 'user', id: owner.id, label: owner.email, role: 'owner' };
    const { integration } = await createFleetIntegration(db, ownerActor, { name: 'Fleet bench', url: fleet.url, apiToken: fleet.token });
    const baseline = { rss: process.memoryUsage().rss, fakeRss: rssOfPid(fleet.pid) };

    sampler.start();
    console.log(`syncing ${HOSTS.toLocaleString('en-US')} hosts from the fake Fleet (pid ${fleet.pid})…`);
    const first = await timedSync(db, integration.id, counter, sampler);
    console.log(`first sync: ${(first.wallMs / 1000).toFixed(1)} s`);
    const again = await timedSync(db, integration.id, counter, sampler);
    console.log(`no-change re-sync: ${(again.wallMs / 1000).toFixed(1)} s`);
    // A third run after the VACUUM ANALYZE that autovacuum would have done by now on a default
    // server: tells a plan that depends on statistics from one that is slow whatever they are.
    const autovacuum = String(((await client`show autovacuum`) as unknown as { autovacuum: string }[])[0]?.autovacuum);
    const t = performance.now();
    await client`vacuum analyze devices, device_sources, audit_log`;
    const vacuumMs = performance.now() - t;
    console.log(`vacuum analyze: ${(vacuumMs / 1000).toFixed(1)} s (autovacuum is ${autovacuum} on this server)`);
    const analyzed = await timedSync(db, integration.id, counter, sampler);
    console.log(`no-change re-sync after vacuum analyze: ${(analyzed.wallMs / 1000).toFixed(1)} s`);
    sampler.stop();

    const [rows] = await db
      .select({
        devices: sql<number>`(select count(*)::int from ${devices})`,
        sources: sql<number>`(select count(*)::int from ${deviceSources})`,
        audit: sql<number>`(select count(*)::int from ${auditLog})`,
        devicesSize: sql<string>`pg_size_pretty(pg_total_relation_size('devices'))`,
        sourcesSize: sql<string>`pg_size_pretty(pg_total_relation_size('device_sources'))`,
        auditSize: sql<string>`pg_size_pretty(pg_total_relation_size('audit_log'))`,
      })
      .from(sql`(select 1) x`);

    report({ first, again, analyzed }, { autovacuum, vacuumMs }, baseline, rows, fleet.pid);
  } finally {
    sampler.stop();
    await handle.close();
    // BENCH_KEEP_DB=1 leaves the database behind for EXPLAIN (it prints its URL).
    if (process.env.BENCH_KEEP_DB === '1') {
      await database.keep();
      console.log(`\nkept the database: ${database.url}`);
    } else await database.drop();
    fleet.child.stdin?.end();
    fleet.child.kill('SIGTERM');
  }
}

function report(
  runs: { first: SyncResult; again: SyncResult; analyzed: SyncResult },
  maintenance: { autovacuum: string; vacuumMs: number },
  baseline: { rss: number; fakeRss: number },
  rows: { devices: number; sources: number; audit: number; devicesSize: string; sourcesSize: string; auditSize: string },
  fakePid: number,
) {
  const { first, again, analyzed } = runs;
  const all = [
    ['first sync', first],
    ['no-change re-sync', again],
    ['re-sync after VACUUM ANALYZE', analyzed],
  ] as const;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const peakRss = Math.max(...all.map(([, r]) => r.memory.rss));
  const unchangedOk = (r: SyncResult) => r.run.unchanged === HOSTS && r.run.added === 0 && r.run.updated === 0 && r.run.removed === 0;
  const expectedFirst = first.run.added === HOSTS && first.run.fetched === HOSTS;

  console.log(`\nTessera MDM sync benchmark (${HOSTS.toLocaleString('en-US')} Fleet hosts, PostgreSQL, fake Fleet in its own process, this machine)`);
  console.log('| measure | figure | target | result |');
  console.log('|---|---|---|---|');
  console.log(`| first sync, wall time | ${s(first.wallMs)} | ≤ ${TARGET.firstSyncS} s | ${verdict(first.wallMs <= TARGET.firstSyncS * 1000)} |`);
  console.log(`| no-change re-sync, wall time | ${s(again.wallMs)} | ≤ ${TARGET.resyncS} s | ${verdict(again.wallMs <= TARGET.resyncS * 1000)} |`);
  console.log(`| peak RSS of Tessera (sampled every 50 ms, fake Fleet excluded) | ${mb(peakRss)} (${all.map(([, r]) => mb(r.memory.rss)).join(' / ')}) | ≤ ${TARGET.peakRssMb} MB | ${verdict(peakRss <= TARGET.peakRssMb * MB)} |`);
  console.log(`| SQL statements, first sync | ${first.statements.total.toLocaleString('en-US')} (${(first.statements.total / first.run.pages).toFixed(1)} per page) | | |`);
  console.log(`| SQL statements, no-change re-sync | ${again.statements.total.toLocaleString('en-US')} (${(again.statements.total / again.run.pages).toFixed(1)} per page) | | |`);
  console.log(`| first sync counts (fetched = added = ${HOSTS}) | ${verdict(expectedFirst)} | | |`);
  console.log(`| re-sync counts (unchanged = ${HOSTS}, nothing else) | ${verdict(unchangedOk(again) && unchangedOk(analyzed))} | | |`);
  console.log(
    `| no-change re-sync after VACUUM ANALYZE (${s(maintenance.vacuumMs)}; autovacuum is ${maintenance.autovacuum} here), informational | ` +
      `${s(analyzed.wallMs)} | ≤ ${TARGET.resyncS} s | ${verdict(analyzed.wallMs <= TARGET.resyncS * 1000)} |`,
  );

  console.log('\nRun rows (mdm_sync_runs)');
  console.log('| run | status | wall time | pages | fetched | added | updated | unchanged | removed |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [label, r] of all) {
    const x = r.run;
    console.log(`| ${label} | ${x.status} | ${s(r.wallMs)} | ${x.pages} | ${x.fetched} | ${x.added} | ${x.updated} | ${x.unchanged} | ${x.removed} |`);
  }

  console.log('\nWhere the time and memory go');
  console.log(`| measure | ${all.map(([l]) => l).join(' | ')} |`);
  console.log(`|---|${all.map(() => '---').join('|')}|`);
  const pf = (xs: number[]) => {
    const p = percentiles(xs);
    return `p50 ${p.p50.toFixed(0)} ms, p95 ${p.p95.toFixed(0)} ms, max ${p.max.toFixed(0)} ms`;
  };
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const row = (label: string, f: (r: SyncResult) => string) => console.log(`| ${label} | ${all.map(([, r]) => f(r)).join(' | ')} |`);
  row('page, fetch to checkpoint', (r) => pf(r.pageMs));
  row('fake Fleet answer (to headers)', (r) => `${pf(r.fetchMs)}; total ${s(sum(r.fetchMs))}`);
  row('page transactions (begin to commit)', (r) => `${r.statements.transactions.n}, ${s(r.statements.transactions.ms)}`);
  row('drizzle statements (send to mapped result)', (r) => s(r.statements.statementMs));
  row('SQL parameters sent', (r) => mb(r.statements.paramChars));
  row('peak V8 heap used / external', (r) => `${mb(r.memory.heapUsed)} / ${mb(r.memory.external)}`);
  row('longest gap between 50 ms samples (event loop blocked)', (r) => `${r.memory.maxGapMs.toFixed(0)} ms`);
  row('fake Fleet RSS, peak (its own process)', (r) => mb(r.memory.fakeRss));
  console.log(
    `\nRSS before the first sync: Tessera ${mb(baseline.rss)}, fake Fleet ${mb(baseline.fakeRss)}; kernel high-water marks: ` +
      `Tessera ${mb(highWaterMark('self'))} (includes migrations and set-up), fake Fleet ${mb(highWaterMark(fakePid))}.`,
  );
  console.log(
    `Database afterwards: ${rows.devices} devices (${rows.devicesSize}), ${rows.sources} device sources (${rows.sourcesSize}), ` +
      `${rows.audit} audit rows (${rows.auditSize}).`,
  );

  for (const [label, r] of all) {
    console.log(`\nStatements by time, ${label} (${r.statements.total} sent in all)`);
    console.log('| count | total time | per statement | params, avg | statement (parameter lists collapsed) |');
    console.log('|---|---|---|---|---|');
    for (const [shape, v] of r.statements.byShape.slice(0, 10)) {
      const per = v.ms ? `${(v.ms / v.n).toFixed(1)} ms` : 'n/a';
      console.log(`| ${v.n} | ${s(v.ms)} | ${per} | ${(v.paramChars / v.n / 1024).toFixed(1)} KB | \`${shape.replace(/\|/g, '\\|')}\` |`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
