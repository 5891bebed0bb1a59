#!/usr/bin/env node
// `npm test`: the whole suite. Finds (or, as root, installs) what it needs, runs vitest (unit +
// integration, against TEST_DATABASE_URL's PostgreSQL when set, embedded PGlite otherwise), builds
// the app and runs the Playwright suite in Debian's Chromium. Ends with one summary line.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);
const log = (m) => console.log(`\n[test] ${m}`);

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function aptInstall(packages, why) {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !have('apt-get')) {
    console.error(`[test] Missing ${why}. Install it with: sudo apt-get install -y ${packages.join(' ')}`);
    process.exit(1);
  }
  log(`installing ${packages.join(' ')} (${why}) with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    r = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
  }
  if (r.status !== 0) {
    console.error(`[test] apt-get could not install ${packages.join(' ')}; install it and run again.`);
    process.exit(1);
  }
}

// 1. Tools the suite drives.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!fs.existsSync(chromium)) aptInstall(['chromium'], 'Chromium for the browser tests');
process.env.CHROMIUM_PATH = chromium;
if (!have('openssl')) aptInstall(['openssl'], 'openssl');
const optional = [
  ['scepclient', 'scep'],
  ['tpm2_createek', 'tpm2-tools'],
  ['swtpm', 'swtpm swtpm-tools'],
];
const missing = optional.filter(([bin]) => !have(bin) && !fs.existsSync(`/usr/bin/${bin}`));
if (!fs.existsSync('/usr/lib/certmonger/scep-submit')) missing.push(['scep-submit', 'certmonger']);
if (missing.length) aptInstall(missing.flatMap(([, pkg]) => pkg.split(' ')), 'protocol peers (scep, certmonger, swtpm, tpm2-tools)');

// 2. Databases: vitest makes a fresh database per test file; the e2e server gets its own.
const pgUrl = process.env.TEST_DATABASE_URL;
let e2eDb;
let dropE2eDb = async () => {};
if (pgUrl) {
  const { default: postgres } = await import('postgres');
  const name = `tessera_e2e_${randomBytes(5).toString('hex')}`;
  const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (e) {
    console.error(`[test] Cannot create a database on TEST_DATABASE_URL (${e.message}). Is PostgreSQL running?`);
    process.exit(1);
  }
  const u = new URL(pgUrl);
  u.pathname = `/${name}`;
  e2eDb = u.toString();
  dropE2eDb = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
  };
  log(`PostgreSQL: vitest uses fresh databases on ${u.host}; e2e uses ${name}`);
} else {
  log('No TEST_DATABASE_URL: integration tests and e2e use embedded PGlite');
}
const e2eDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-'));

fs.rmSync('test-results', { recursive: true, force: true });
fs.mkdirSync('test-results', { recursive: true });
const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

// 3. Types, then unit + integration.
log('tsc: type check');
const tscStatus = run('npx', ['tsc', '--noEmit']);
log('vitest: unit and integration tests');
const vitestStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/vitest.json']);

// 4. Browser tests against a production build.
log('next build');
const buildStatus = run('npx', ['next', 'build'], { NEXT_TELEMETRY_DISABLED: '1' });
let e2eStatus = 1;
if (buildStatus === 0) {
  log('playwright: browser tests in Chromium');
  e2eStatus = run('npx', ['playwright', 'test'], { E2E_DATABASE_URL: e2eDb ?? '', E2E_DATA_DIR: e2eDataDir });
}
await dropE2eDb();
fs.rmSync(e2eDataDir, { recursive: true, force: true });

// 5. One summary line.
let passed = 0;
let failed = 0;
try {
  const v = JSON.parse(fs.readFileSync('test-results/vitest.json', 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
} catch {
  failed += 1;
}
try {
  const p = JSON.parse(fs.readFileSync('test-results/e2e.json', 'utf8'));
  passed += p.stats.expected;
  failed += p.stats.unexpected + (p.stats.flaky ?? 0);
} catch {
  failed += 1;
}
if (buildStatus !== 0) console.error('[test] next build failed');
if (tscStatus !== 0) console.error('[test] type check failed');
const ok = tscStatus === 0 && vitestStatus === 0 && buildStatus === 0 && e2eStatus === 0 && failed === 0;
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
