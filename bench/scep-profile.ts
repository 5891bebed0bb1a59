// Where one Tessera SCEP enrollment spends its time, in-process and sequential (no HTTP client,
// no other load): the pure protocol steps (lib/scep, lib/pki) one by one, then the whole service
// (server/services/scep/handle-pki-operation.ts) with its statements counted, then the HTTP
// adapter (server/http/scep.ts), single statements for scale, and the challenge webhook's
// credential check. An experiment runs the service again with postgres-js prepared statements
// forced on (drizzle sends unnamed statements, which postgres-js describes in an extra round trip).
// Run: tsx --tsconfig tsconfig.json bench/scep-profile.ts  (BENCH_PROFILE_N, default 200;
// BENCH_CPU_PROFILE=DIR also writes a V8 CPU profile of the service loop).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { fmt, freshDatabase, percentiles } from './lib';
import { buildEnrollment, generateClientKeys } from './scep-client';

const N = Number(process.env.BENCH_PROFILE_N ?? 200);
const SECRET = 'bench-secret-bench-secret-bench-secret-000';
const HOST_UUID = '5E1F0C2A-7B3D-4C8E-9A61-0B2C3D4E5F60';

interface Measured {
  wall: number[];
  /** CPU ms per operation of this whole process (all threads). */
  cpu: number;
}

async function measure(count: number, op: (i: number) => unknown): Promise<Measured> {
  const wall: number[] = [];
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await op(i);
    wall.push(performance.now() - t);
  }
  const used = process.cpuUsage(before);
  return { wall, cpu: (used.user + used.system) / 1000 / count };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-scep-profile-'));
  process.env.TESSERA_SECRET = SECRET;
  process.env.TESSERA_DATA_DIR = dataDir;
  process.env.TESSERA_DISABLE_SCHEDULER = '1';
  delete process.env.DATABASE_URL;

  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { and, eq } = await import('drizzle-orm');
  const { default: postgres } = await import('postgres');
  const schema = await import('@/server/db/schema');
  const { migrateDatabase } = await import('@/server/db/client');
  const { useDatabase } = await import('@/server/db');
  const { setupTeam } = await import('@/server/services/team/setup-team');
  const { createFleetIntegration } = await import('@/server/services/integrations/create-fleet-integration');
  const { recordDeviceSource } = await import('@/server/services/devices/record-device-source');
  const { setDeviceApproval } = await import('@/server/services/devices/set-device-approval');
  const { loadAuthority } = await import('@/server/services/pki/load-authority');
  const { issueChallenge, checkChallengeCredentials } = await import('@/server/services/scep/issue-challenge');
  const { handlePkiOperation } = await import('@/server/services/scep/handle-pki-operation');
  const { handleScep } = await import('@/server/http/scep');
  const { parsePkiMessage } = await import('@/lib/scep/parse-pki-message');
  const { issueCertificate } = await import('@/lib/pki/issue-certificate');
  const { buildCertRep } = await import('@/lib/scep/build-cert-rep');
  const { hashToken } = await import('@/lib/tokens');
  type Db = import('@/server/db/client').Db;

  const database = await freshDatabase('tessera_bench_scep_profile');
  // Our own postgres-js clients, so that statements can be counted and, for the experiment,
  // prepared: `unsafe` is what drizzle calls, also on the connection a transaction reserves.
  let statements = 0;
  const open = (prepare: boolean) => {
    const client = postgres(database.url, { max: 10, onnotice: () => {}, debug: () => void statements++ });
    if (prepare) {
      type Unsafe = typeof client.unsafe;
      const force = (sql: { unsafe: Unsafe }) => {
        const unsafe = sql.unsafe;
        sql.unsafe = ((query: string, params?: never[], options?: object) => unsafe(query, params, { ...options, prepare: true })) as Unsafe;
      };
      force(client);
      const begin = client.begin.bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as { begin: unknown }).begin = (...args: unknown[]) => {
        const fn = args.at(-1) as (sql: { unsafe: Unsafe }) => unknown;
        return begin(...args.slice(0, -1), (sql: { unsafe: Unsafe }) => (force(sql), fn(sql)));
      };
    }
    return { client, db: drizzle(client, { schema }) as unknown as Db };
  };
  const shipped = open(false);
  const prepared = open(true);
  const db = shipped.db;
  const handle = { db, kind: 'postgres' as const, close: () => shipped.client.end({ timeout: 5 }) };
  try {
    await migrateDatabase(handle);
    useDatabase(handle);
    const { owner } = await setupTeam(db, { teamName: 'Bench', slug: 'bench', ownerEmail: 'owner@bench.test', ownerPassword: 'bench-password-123' }, { type: 'cli' });
    const actor = { type: 'user' as const, id: owner.id, label: owner.email, role: 'owner' as const };
    const fleet = await createFleetIntegration(db, actor, { name: 'Fleet bench', url: 'https://fleet.example.com', apiToken: 'tok' });
    const { device } = await recordDeviceSource(db, { type: 'mdm', label: 'fleet' }, {
      kind: 'fleet', source: `mdm:${fleet.integration.id}`, externalId: '1', facts: { hardwareUuid: HOST_UUID }, authoritative: false,
    });
    await setDeviceApproval(db, actor, { deviceIds: [device.id], decision: 'approved' });
    const auth = await loadAuthority(db);
    const keys = await generateClientKeys(Math.min(N, 32));
    const make = async (count: number) => {
      const out = [];
      for (let i = 0; i < count; i++) {
        const challenge = await issueChallenge(db, fleet.integration);
        out.push(buildEnrollment(keys[i % keys.length], { commonName: HOST_UUID, challenge, ra: auth.ra, cipher: 'aes-128-cbc' }));
      }
      return out;
    };
    const crlUrl = 'http://127.0.0.1/pki/agents/crl';
    const rows: Array<[string, Measured, string]> = [];

    // 1. The protocol steps alone (no database).
    const steps = await make(N);
    const requests = steps.map((e) => parsePkiMessage(e.message, { certificate: auth.ra, privateKey: auth.raKey }));
    const issueInput = (i: number) => ({ csr: requests[i].csr, issuerCertificate: auth.intermediate.der, issuerPrivateKey: auth.intermediateKey, notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000), crlUrls: [crlUrl] });
    const issued = requests.map((_, i) => issueCertificate(issueInput(i)));
    const signer = { certificate: auth.ra, privateKey: auth.raKey, chain: [auth.intermediate.der] };
    rows.push(['parsePkiMessage: request + CSR signature checks, RSA-2048 decrypt, AES', await measure(N, (i) => parsePkiMessage(steps[i].message, { certificate: auth.ra, privateKey: auth.raKey })), 'lib/scep/parse-pki-message.ts']);
    rows.push(['issueCertificate: ECDSA P-256', await measure(N, (i) => issueCertificate(issueInput(i))), 'lib/pki/issue-certificate.ts']);
    rows.push(['buildCertRep: RSA-2048 sign, envelope to the client', await measure(N, (i) => buildCertRep({ status: 'success', signer, request: requests[i], issuedCertificate: issued[i].certificatePem, chain: [auth.intermediate.der] })), 'lib/scep/build-cert-rep.ts']);

    // 2. The whole service (what the route calls), sequential; statements counted.
    const batch = await make(N);
    statements = 0;
    const session = new Session();
    if (process.env.BENCH_CPU_PROFILE) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const service = await measure(N, async (i) => {
      const outcome = await handlePkiOperation(db, fleet.integration, batch[i].message, { crlUrl });
      if (!('reply' in outcome) || outcome.status !== 'issued') throw new Error('enrollment failed');
    });
    if (process.env.BENCH_CPU_PROFILE) {
      const { profile } = await session.post('Profiler.stop');
      fs.mkdirSync(process.env.BENCH_CPU_PROFILE, { recursive: true });
      fs.writeFileSync(path.join(process.env.BENCH_CPU_PROFILE, 'scep-service.cpuprofile'), JSON.stringify(profile));
      session.disconnect();
    }
    rows.push(['handlePkiOperation: the above + database', service, `${(statements / N).toFixed(1)} statements per enrollment (BEGIN/COMMIT included)`]);

    // 3. The HTTP adapter with a Request (adds the integration lookup and reading the body).
    const adapterBatch = await make(N);
    statements = 0;
    const adapter = await measure(N, async (i) => {
      const req = new Request(`http://127.0.0.1/scep/${fleet.integration.id}?operation=PKIOperation`, { method: 'POST', body: adapterBatch[i].message, headers: { 'content-type': 'application/x-pki-message' } });
      await (await handleScep(req, fleet.integration.id)).arrayBuffer();
    });
    rows.push(['handleScep: HTTP adapter, no socket', adapter, `${(statements / N).toFixed(1)} statements per request`]);

    // 4. Experiment: the same service with postgres-js prepared statements forced on.
    const preparedBatch = await make(N);
    const preparedService = await measure(N, (i) => handlePkiOperation(prepared.db, fleet.integration, preparedBatch[i].message, { crlUrl }));
    rows.push(['experiment: handlePkiOperation with prepared statements', preparedService, 'postgres-js `prepare: true` forced (no describe round trip)']);

    // 5. Single statements, for scale.
    const where = and(eq(schema.scepChallenges.challengeHash, 'none'), eq(schema.scepChallenges.integrationId, fleet.integration.id));
    rows.push(['one drizzle select (challenge by hash), as the service sends it', await measure(500, () => db.select().from(schema.scepChallenges).where(where)), 'query building + describe + execute']);
    rows.push(['one postgres-js select 1 (tagged, prepared)', await measure(500, () => shipped.client`select 1`), 'the floor of a round trip']);

    // 6. The webhook's credential check (scrypt) and the rest of a challenge.
    rows.push(['webhook credential check (scrypt N=2^15, r=8)', await measure(20, () => checkChallengeCredentials(db, fleet.integration.id, fleet.challengeUsername, fleet.challengePassword)), 'issue-challenge.ts → lib/password.ts verifyPassword']);
    rows.push(['issueChallenge (one insert)', await measure(50, () => issueChallenge(db, fleet.integration)), '']);
    rows.push(['SHA-256 of the password (hashToken), for comparison', await measure(1000, () => hashToken(fleet.challengePassword)), 'what STYLE.md prescribes for webhook passwords']);

    console.log(`\nTessera SCEP enrollment, in-process, sequential, ${N} each (PostgreSQL; ${os.cpus().length} cores)`);
    console.log('| step | p50 | p99 | CPU ms/op | note |');
    console.log('|---|---|---|---|---|');
    for (const [label, m, note] of rows) {
      const p = percentiles(m.wall);
      console.log(`| ${label} | ${fmt(p.p50)} | ${fmt(p.p99)} | ${m.cpu.toFixed(2)} | ${note} |`);
    }
  } finally {
    useDatabase(undefined);
    await prepared.client.end({ timeout: 5 });
    await handle.close();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
