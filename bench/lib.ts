// Shared helpers for benchmarks: percentiles, a fresh PostgreSQL database, a production server.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import postgres from 'postgres';

export function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s[s.length - 1] };
}

export const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

export async function freshDatabase(prefix: string) {
  const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
    /** Leaves the database behind (for inspecting it afterwards) and closes the admin connection. */
    keep: () => admin.end(),
  };
}

export async function startServer(env: Record<string, string>, port: number): Promise<{ base: string; stop: () => void }> {
  if (!fs.existsSync('.next/BUILD_ID')) {
    console.log('building the app (next build)…');
    await new Promise<void>((resolve, reject) =>
      spawn('npx', ['next', 'build'], { stdio: 'inherit' }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error('next build failed')))),
    );
  }
  const child: ChildProcess = spawn('npx', ['next', 'start', '-p', String(port)], {
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    try {
      const r = await fetch(`${base}/api/health`);
      if (r.ok) return { base, stop: () => child.kill('SIGTERM') };
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGKILL');
  throw new Error('the server did not become healthy');
}

/**
 * Runs `fn` over `items` with at most `concurrency` in flight (a closed loop: each worker starts
 * its next item when the previous one answers). Returns the results in item order and the wall time.
 */
export async function runConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<{ results: R[]; wallMs: number }> {
  const results = new Array<R>(items.length);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i], i);
    }),
  );
  return { results, wallMs: performance.now() - t0 };
}

/**
 * `openssl speed` for one algorithm (e.g. rsa2048, rsa4096, ecdsap256): operations per second of
 * one core, from the sign/s and verify/s columns.
 */
export async function opensslSpeed(algorithm: string, seconds = 2): Promise<{ signsPerSecond: number; verifiesPerSecond: number }> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('openssl', ['speed', '-seconds', String(seconds), algorithm], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`openssl speed ${algorithm} exited with ${code}`))));
  });
  // The last line is the figures row: "rsa 2048 bits 0.000246s 0.000016s 4068.0 60963.0" or
  // " 256 bits ecdsa (nistp256)   0.0000s   0.0001s  52142.9  16781.0"; the rates are the last two.
  const row = out.trim().split('\n').at(-1) ?? '';
  const numbers = row.trim().split(/\s+/).slice(-2).map(Number);
  if (numbers.length !== 2 || numbers.some((n) => !Number.isFinite(n) || n <= 0)) {
    throw new Error(`could not read openssl speed ${algorithm} output: ${row}`);
  }
  return { signsPerSecond: numbers[0], verifiesPerSecond: numbers[1] };
}

/** A TCP port that was free a moment ago on 127.0.0.1 (for servers that take a port number). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns true (exceptions count as not yet), or fails after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

/**
 * CPU time (user + system, ms) the given processes have used so far, from /proc (Linux); pids
 * that are gone count as 0. Resolution is one clock tick (10 ms), so measure whole runs.
 */
export function cpuTimeMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

/** A process and all its descendants (Linux /proc), e.g. `npx next start` and the server it runs. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const tid of fs.readdirSync(`/proc/${out[i]}/task`)) {
        const children = fs.readFileSync(`/proc/${out[i]}/task/${tid}/children`, 'utf8').trim();
        if (children) out.push(...children.split(/\s+/).map(Number));
      }
    } catch {}
  }
  return out;
}

/**
 * `next start` on an existing production build, like startServer but without npx in between and
 * with the server's pid (for CPU accounting). Refuses to build: run `next build` first.
 */
export async function startNextServer(env: Record<string, string>, port: number): Promise<{ base: string; pid: number; stop: () => Promise<void> }> {
  if (!fs.existsSync('.next/BUILD_ID')) throw new Error('no production build: run `npx next build` first');
  const child = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  try {
    await waitUntil('next start', async () => (await fetch(`${base}/api/health`)).ok, 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { base, pid: child.pid!, stop };
}

/** CPU time (ms) all cores of the machine have spent busy so far (Linux /proc/stat, idle and iowait excluded). */
export function machineBusyMs(): number {
  try {
    const [cpu] = fs.readFileSync('/proc/stat', 'utf8').split('\n');
    const [user, nice, system, , , irq, softirq, steal] = cpu.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) * 10; // USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}

/** The last few kilobytes a child wrote to stderr, for error messages. */
export function stderrTail(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (d: Buffer) => (text = (text + d.toString()).slice(-4000)));
  return () => text;
}

/**
 * Starts one of the bench/*-tessera-server.ts scripts (see bench/child-server.ts) in its own
 * process and waits for the JSON line that gives its URL.
 */
export async function startBenchChild(script: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr = stderrTail(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the Tessera server did not start: ${stderr()}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.on('exit', (code) => reject(new Error(`the Tessera server exited with ${code}: ${stderr()}`)));
  });
  return {
    url,
    pid: child.pid!,
    stderr,
    /** With BENCH_CPU_PROFILE set: the first call starts a CPU profile, the second writes it. */
    profile: () => void child.kill('SIGUSR2'),
    stop: async () => {
      child.stdin?.end();
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}
