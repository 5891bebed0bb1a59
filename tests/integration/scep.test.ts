// SCEP with Fleet's dynamic challenge, against the real route handlers over HTTP, driven by Debian's
// real clients: micromdm scepclient and certmonger's scep-submit; chains and CRLs checked by openssl.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as scepRoute from '@/app/scep/[integrationId]/route';
import * as scepExeRoute from '@/app/scep/[integrationId]/pkiclient.exe/route';
import * as challengeRoute from '@/app/webhook/[integrationId]/challenge/route';
import * as pkiRoute from '@/app/pki/[authority]/[file]/route';
import { auditLog, certificates, devices, integrations, scepChallenges } from '@/server/db/schema';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { createFleetIntegration } from '@/server/services/integrations/create-fleet-integration';
import { loadAuthority } from '@/server/services/pki/load-authority';
import { revokeCertificate } from '@/server/services/pki/revoke-certificate';
import { recordDeviceSource } from '@/server/services/devices/record-device-source';
import { setDeviceApproval } from '@/server/services/devices/set-device-approval';
import { installTestDb, type TestDb } from '../helpers/db';
import { seedTeam } from '../helpers/fixtures';
import { serveRoutes } from '../helpers/http-server';

let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
let server: { url: string; close: () => Promise<void> };
let fleet: Awaited<ReturnType<typeof createFleetIntegration>>;
let raFingerprint: string;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-scep-it-'));

const HOST_UUID = '392547DC-0000-0000-A87A-D701FF75BC65';
const SERIAL = 'C02SCEPTEST1';

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) =>
    execFile(cmd, args, { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    ),
  );
}

async function fetchChallenge(auth = { u: fleet.challengeUsername, p: fleet.challengePassword }, body: unknown = fleetBody()) {
  return fetch(`${server.url}/webhook/${fleet.integration.id}/challenge`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${auth.u}:${auth.p}`).toString('base64')}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

// Exactly what Fleet sends (mdm-apis.md §2.3).
const fleetBody = () => ({
  webhook: { webhookEvent: 'SCEPChallenge', id: 1, eventTimestamp: Math.floor(Date.now() / 1000), name: 'SCEPChallenge' },
  event: { scepServerUrl: `${server.url}/scep/${fleet.integration.id}`, payloadIdentifier: crypto.randomUUID(), payloadTypes: ['com.apple.security.scep'] },
});

async function scepclient(dir: string, extra: string[]) {
  fs.mkdirSync(dir, { recursive: true });
  return run('scepclient', [
    '-server-url', `${server.url}/scep/${fleet.integration.id}`,
    '-private-key', path.join(dir, 'key.pem'),
    '-certificate', path.join(dir, 'cert.pem'),
    '-ca-fingerprint', raFingerprint,
    ...extra,
  ]);
}

beforeAll(async () => {
  t = await installTestDb();
  seed = await seedTeam(t.db);
  fleet = await createFleetIntegration(t.db, seed.ownerActor, { name: 'Fleet prod', url: 'https://fleet.example.com', apiToken: 'tok' });
  raFingerprint = certificateFingerprint((await loadAuthority(t.db)).ra.der).hex;
  server = await serveRoutes([
    { pattern: /^\/scep\/(?<integrationId>[^/]+)\/pkiclient\.exe$/, methods: { GET: scepExeRoute.GET, POST: scepExeRoute.POST } },
    { pattern: /^\/scep\/(?<integrationId>[^/]+)$/, methods: { GET: scepRoute.GET, POST: scepRoute.POST } },
    { pattern: /^\/webhook\/(?<integrationId>[^/]+)\/challenge$/, methods: { POST: challengeRoute.POST } },
    { pattern: /^\/pki\/(?<authority>[^/]+)\/(?<file>[^/]+)$/, methods: { GET: pkiRoute.GET } },
  ]);
  const { device } = await recordDeviceSource(t.db, { type: 'mdm', label: 'fleet' }, {
    kind: 'fleet', source: `mdm:${fleet.integration.id}`, externalId: '1', facts: { hardwareUuid: HOST_UUID, serial: SERIAL, displayName: 'Anna Mac' }, authoritative: false,
  });
  await setDeviceApproval(t.db, seed.ownerActor, { deviceIds: [device.id], decision: 'approved' });
  fs.writeFileSync(path.join(work, 'root.pem'), await (await fetch(`${server.url}/pki/agents/root.pem`)).text());
  fs.writeFileSync(path.join(work, 'chain.pem'), await (await fetch(`${server.url}/pki/agents/chain.pem`)).text());
});
afterAll(async () => {
  await server?.close();
  await t.destroy();
});

describe('Fleet challenge webhook', () => {
  it('answers Fleet\'s request with a bare uppercase challenge as text/plain, single-use and stored hashed', async () => {
    const res = await fetchChallenge();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await res.text();
    expect(body).toMatch(/^[A-Z0-9]{32}$/);
    const rows = await t.db.select().from(scepChallenges);
    expect(rows.some((r) => r.challengeHash === body)).toBe(false);
  });

  it('refuses wrong credentials with 401 and malformed bodies with 400, issuing nothing', async () => {
    const before = (await t.db.select().from(scepChallenges)).length;
    expect((await fetchChallenge({ u: fleet.challengeUsername, p: 'wrong' })).status).toBe(401);
    expect((await fetchChallenge({ u: 'someone', p: fleet.challengePassword })).status).toBe(401);
    const noAuth = await fetch(`${server.url}/webhook/${fleet.integration.id}/challenge`, { method: 'POST', body: '{}' });
    expect(noAuth.status).toBe(401);
    expect((await fetch(`${server.url}/webhook/not-a-uuid/challenge`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetchChallenge(undefined, '{"webhook":')).status).toBe(400);
    expect((await fetchChallenge(undefined, '[1,2]')).status).toBe(400);
    expect((await t.db.select().from(scepChallenges)).length).toBe(before);
  });
});

describe('SCEP with micromdm scepclient', () => {
  it('serves GetCACaps and GetCACert as the protocol says', async () => {
    const caps = await fetch(`${server.url}/scep/${fleet.integration.id}/pkiclient.exe?operation=GetCACaps`);
    expect((await caps.text()).split('\n')).toEqual(expect.arrayContaining(['POSTPKIOperation', 'SHA-256', 'AES', 'SCEPStandard', 'Renewal']));
    const cacert = await fetch(`${server.url}/scep/${fleet.integration.id}?operation=GetCACert`);
    expect(cacert.headers.get('content-type')).toBe('application/x-x509-ca-ra-cert');
    expect((await fetch(`${server.url}/scep/${fleet.integration.id}?operation=Nope`)).status).toBe(400);
    expect((await fetch(`${server.url}/scep/00000000-0000-0000-0000-000000000000?operation=GetCACaps`)).status).toBe(404);
  });

  it('enrolls an approved device with a challenge from the webhook; the certificate chains to the root and is linked', async () => {
    const challenge = await (await fetchChallenge()).text();
    const dir = path.join(work, 'ok');
    const r = await scepclient(dir, ['-challenge', challenge, '-cn', HOST_UUID, '-ou', 'fleet-6f1c2b7e-renewal']);
    expect(r.code, r.out).toBe(0);
    const verify = spawnSync('openssl', ['verify', '-CAfile', path.join(work, 'root.pem'), '-untrusted', path.join(work, 'chain.pem'), '-purpose', 'sslclient', path.join(dir, 'cert.pem')]);
    expect(verify.stdout.toString()).toContain(': OK');
    const [device] = await t.db.select().from(devices).where(eq(devices.serial, SERIAL));
    const certs = await t.db.select().from(certificates).where(eq(certificates.deviceId, device.id));
    expect(certs).toHaveLength(1);
    expect(certs[0].subject).toContain(`CN=${HOST_UUID}`);
    expect(certs[0].subject).toContain('OU=fleet-6f1c2b7e-renewal');
    const text = spawnSync('openssl', ['x509', '-in', path.join(dir, 'cert.pem'), '-noout', '-text']).stdout.toString();
    expect(text).toMatch(/TLS Web Client Authentication/);
    expect(text).toMatch(/Digital Signature, Key Encipherment/);
    expect(text).toContain('/pki/agents/crl');

    // The same challenge with a new key is a replay and fails.
    const replay = await scepclient(path.join(work, 'replay'), ['-challenge', challenge, '-cn', HOST_UUID]);
    expect(replay.code).not.toBe(0);
    expect(await t.db.select().from(certificates)).toHaveLength(1);
    const refused = await t.db.select().from(auditLog).where(eq(auditLog.action, 'scep.enroll.refused'));
    expect(refused.at(-1)?.details).toMatchObject({ reason: 'The challenge was already used' });
  });

  it('refuses a wrong challenge and an unapproved device with a SCEP failure and an audit entry', async () => {
    const wrong = await scepclient(path.join(work, 'wrong'), ['-challenge', 'NOTACHALLENGE0000000000000000000', '-cn', HOST_UUID]);
    expect(wrong.code).not.toBe(0);
    const challenge = await (await fetchChallenge()).text();
    const unknownHost = '11111111-2222-3333-4444-555555555555';
    const pending = await scepclient(path.join(work, 'pending'), ['-challenge', challenge, '-cn', unknownHost]);
    expect(pending.code).not.toBe(0);
    // The unknown host entered the inventory, waiting for approval (team default).
    const [created] = await t.db.select().from(devices).where(eq(devices.hardwareUuid, unknownHost));
    expect(created).toMatchObject({ approvalStatus: 'pending', sourceKinds: ['fleet'] });
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.action, 'scep.enroll.refused'));
    expect(entries.map((e) => (e.details as { reason: string }).reason)).toEqual(
      expect.arrayContaining(['Unknown challenge', 'The device is not approved']),
    );
  });

  it('renews with a certificate we issued, and refuses renewal once it is revoked', async () => {
    const dir = path.join(work, 'renew');
    const challenge = await (await fetchChallenge()).text();
    expect((await scepclient(dir, ['-challenge', challenge, '-cn', HOST_UUID])).code).toBe(0);
    const first = spawnSync('openssl', ['x509', '-in', path.join(dir, 'cert.pem'), '-noout', '-serial']).stdout.toString().split('=')[1].trim().toLowerCase();
    // RenewalReq: scepclient signs with the existing certificate and sends no challenge.
    const renewed = await scepclient(dir, ['-cn', HOST_UUID]);
    expect(renewed.code, renewed.out).toBe(0);
    const [renewal] = await t.db.select().from(certificates).where(eq(certificates.renewalOf, first.replace(/^0+/, '') || first));
    expect(renewal).toBeDefined();
    await revokeCertificate(t.db, seed.ownerActor, { serialHex: renewal.serialHex, reason: 'keyCompromise' });
    const second = spawnSync('openssl', ['x509', '-in', path.join(dir, 'cert.pem'), '-noout', '-serial']).stdout.toString();
    expect(second.toLowerCase()).toContain(renewal.serialHex.toUpperCase().toLowerCase());
    const again = await scepclient(dir, ['-cn', HOST_UUID]);
    expect(again.code).not.toBe(0);
    // The CRL lists the revoked certificate and openssl checks it.
    fs.writeFileSync(path.join(work, 'crl.der'), Buffer.from(await (await fetch(`${server.url}/pki/agents/crl`)).arrayBuffer()));
    const crl = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', path.join(work, 'crl.der'), '-noout', '-text', '-CAfile', path.join(work, 'chain.pem')]);
    expect(crl.stdout.toString().toUpperCase()).toContain(renewal.serialHex.toUpperCase());
    expect(crl.stdout.toString()).toContain('Key Compromise');
  });
});

describe('retries and other clients', () => {
  it('answers a retried transaction (same transactionID and key) with the same certificate', async () => {
    const { createClientIdentity, buildPkiRequest, readCertRep } = await import('@/lib/scep/testdata/scep-test-client');
    const auth = await loadAuthority(t.db);
    const challenge = await (await fetchChallenge()).text();
    const identity = createClientIdentity({ challenge, commonName: HOST_UUID });
    const message = buildPkiRequest({ identity, recipient: auth.ra, cipher: 'aes-128-cbc', digest: 'sha256' });
    const post = async (body: Buffer) =>
      Buffer.from(await (await fetch(`${server.url}/scep/${fleet.integration.id}?operation=PKIOperation`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/octet-stream' } })).arrayBuffer());
    const first = readCertRep(await post(message), { ra: auth.ra, identity });
    const again = readCertRep(await post(message), { ra: auth.ra, identity });
    expect(String(first.pkiStatus)).toBe('0');
    expect(String(again.pkiStatus)).toBe('0');
    expect(again.certificates?.[0]?.serialNumberHex).toBe(first.certificates?.[0]?.serialNumberHex);
    // Same challenge, new key and transaction: refused.
    const other = createClientIdentity({ challenge, commonName: HOST_UUID });
    const replay = readCertRep(await post(buildPkiRequest({ identity: other, recipient: auth.ra, cipher: 'aes-128-cbc', digest: 'sha256' })), { ra: auth.ra, identity: other });
    expect(String(replay.pkiStatus)).toBe('2');
  });

  it('issues exactly one certificate when one challenge is used by many requests at once', async () => {
    const { createClientIdentity, buildPkiRequest, readCertRep } = await import('@/lib/scep/testdata/scep-test-client');
    const auth = await loadAuthority(t.db);
    const challenge = await (await fetchChallenge()).text();
    const post = async (body: Buffer) =>
      Buffer.from(await (await fetch(`${server.url}/scep/${fleet.integration.id}?operation=PKIOperation`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/octet-stream' } })).arrayBuffer());
    // Eight different keys race for one challenge; the first key's request is also sent twice.
    const identities = Array.from({ length: 8 }, () => createClientIdentity({ challenge, commonName: HOST_UUID }));
    const messages = identities.map((identity) => buildPkiRequest({ identity, recipient: auth.ra, cipher: 'aes-128-cbc', digest: 'sha256' }));
    const sent = [...messages.map((m, i) => ({ m, i })), { m: messages[0], i: 0 }];
    const replies = await Promise.all(sent.map(async ({ m, i }) => ({ i, rep: readCertRep(await post(m), { ra: auth.ra, identity: identities[i] }) })));
    const successes = replies.filter((r) => String(r.rep.pkiStatus) === '0');
    const winners = new Set(successes.map((r) => r.i));
    expect(winners.size).toBe(1);
    expect(new Set(successes.map((r) => r.rep.certificates?.[0]?.serialNumberHex)).size).toBe(1);
    expect(replies.filter((r) => String(r.rep.pkiStatus) === '2').length).toBe(sent.length - successes.length);
    const [row] = await t.db.select().from(scepChallenges).where(eq(scepChallenges.certificateSerial, successes[0].rep.certificates![0].serialNumberHex));
    expect(row.consumedAt).not.toBeNull();
    const stored = await t.db.select().from(certificates).where(eq(certificates.serialHex, row.certificateSerial!));
    expect(stored).toHaveLength(1);
    const issuedAudit = await t.db.select().from(auditLog).where(eq(auditLog.action, 'certificate.issue'));
    expect(issuedAudit.filter((a) => (a.details as { serial?: string })?.serial === row.certificateSerial)).toHaveLength(1);
  });

  it('follows a connection changed or removed elsewhere (another instance) at the next enrollment', async () => {
    const { createClientIdentity, buildPkiRequest, readCertRep } = await import('@/lib/scep/testdata/scep-test-client');
    const second = await createFleetIntegration(t.db, seed.ownerActor, { name: 'Fleet staging', url: 'https://fleet2.example.com', apiToken: 'tok2' });
    const auth = await loadAuthority(t.db);
    const challengeFor = async () =>
      (
        await fetch(`${server.url}/webhook/${second.integration.id}/challenge`, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from(`${second.challengeUsername}:${second.challengePassword}`).toString('base64')}`, 'content-type': 'application/json' },
          body: JSON.stringify(fleetBody()),
        })
      ).text();
    const enroll = async () => {
      const identity = createClientIdentity({ challenge: await challengeFor(), commonName: HOST_UUID });
      const res = await fetch(`${server.url}/scep/${second.integration.id}?operation=PKIOperation`, {
        method: 'POST',
        body: new Uint8Array(buildPkiRequest({ identity, recipient: auth.ra, cipher: 'aes-128-cbc', digest: 'sha256' })),
      });
      return { res, identity };
    };
    const daysOf = (c: { notBefore: Date; notAfter: Date }) => Math.round((c.notAfter.getTime() - c.notBefore.getTime()) / 86_400_000);
    const first = await enroll();
    const firstRep = readCertRep(Buffer.from(await first.res.arrayBuffer()), { ra: auth.ra, identity: first.identity });
    expect(String(firstRep.pkiStatus)).toBe('0');
    // Another instance shortens the validity: this process's copy of the row is now stale.
    await t.db.update(integrations).set({ certValidityDays: 30, updatedAt: new Date() }).where(eq(integrations.id, second.integration.id));
    const next = await enroll();
    const nextRep = readCertRep(Buffer.from(await next.res.arrayBuffer()), { ra: auth.ra, identity: next.identity });
    expect(String(nextRep.pkiStatus)).toBe('0');
    const [stored] = await t.db.select().from(certificates).where(eq(certificates.serialHex, nextRep.certificates![0].serialNumberHex));
    expect(daysOf(stored)).toBe(30);
    expect(stored.template).toBe('Fleet staging');
    // Removed elsewhere: the endpoint is gone (404), and nothing is issued.
    const challenge = await challengeFor();
    const identity = createClientIdentity({ challenge, commonName: HOST_UUID });
    const message = buildPkiRequest({ identity, recipient: auth.ra, cipher: 'aes-128-cbc', digest: 'sha256' });
    const before = (await t.db.select().from(certificates)).length;
    await t.db.delete(integrations).where(eq(integrations.id, second.integration.id));
    const gone = await fetch(`${server.url}/scep/${second.integration.id}?operation=PKIOperation`, { method: 'POST', body: new Uint8Array(message) });
    expect(gone.status).toBe(404);
    expect((await t.db.select().from(certificates)).length).toBe(before);
  });

  it("enrolls with certmonger's scep-submit (GET, AES-256/SHA-256) and the reply verifies", async () => {
    const SCEP_SUBMIT = '/usr/lib/certmonger/scep-submit';
    const { createClientIdentity, buildPkiRequest } = await import('@/lib/scep/testdata/scep-test-client');
    const { toPem } = await import('@/lib/pki/pem');
    const url = `${server.url}/scep/${fleet.integration.id}`;
    const caOut = await run(SCEP_SUBMIT, ['-u', url, '-C']);
    expect(caOut.code, caOut.out).toBe(0);
    const blocks = caOut.out.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
    const dir = fs.mkdtempSync(path.join(work, 'certmonger-'));
    fs.writeFileSync(path.join(dir, 'ra.pem'), blocks[0] + '\n');
    fs.writeFileSync(path.join(dir, 'ca.pem'), blocks[1] + '\n');
    fs.writeFileSync(path.join(dir, 'others.pem'), blocks.slice(2).join('\n') + '\n');
    const auth = await loadAuthority(t.db);
    const challenge = await (await fetchChallenge()).text();
    const identity = createClientIdentity({ challenge, commonName: HOST_UUID });
    fs.writeFileSync(path.join(dir, 'req.pem'), toPem(buildPkiRequest({ identity, recipient: auth.ra, cipher: 'aes-256-cbc', digest: 'sha256' }), 'PKCS7'));
    fs.writeFileSync(path.join(dir, 'self.pem'), toPem(identity.certificate.der, 'CERTIFICATE'));
    fs.writeFileSync(path.join(dir, 'key.pem'), identity.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const before = (await t.db.select().from(certificates)).length;
    const r = await run(SCEP_SUBMIT, ['-u', url, '-p', '-r', path.join(dir, 'ra.pem'), '-N', path.join(dir, 'ca.pem'), '-I', path.join(dir, 'others.pem'), path.join(dir, 'req.pem')]);
    expect(r.code, r.out).toBe(0);
    fs.writeFileSync(path.join(dir, 'envelope.pem'), r.out.slice(r.out.indexOf('-----BEGIN')));
    const dec = spawnSync('openssl', ['cms', '-decrypt', '-inform', 'PEM', '-in', path.join(dir, 'envelope.pem'), '-recip', path.join(dir, 'self.pem'), '-inkey', path.join(dir, 'key.pem'), '-binary', '-out', path.join(dir, 'certs.p7')]);
    expect(dec.status, dec.stderr.toString()).toBe(0);
    const printed = spawnSync('openssl', ['pkcs7', '-inform', 'DER', '-in', path.join(dir, 'certs.p7'), '-print_certs']).stdout.toString();
    expect(printed).toContain(`CN = ${HOST_UUID}`);
    expect((await t.db.select().from(certificates)).length).toBe(before + 1);
    // A wrong challenge through certmonger is reported as a rejection.
    const bad = createClientIdentity({ challenge: 'WRONGWRONGWRONGWRONGWRONGWRONG12', commonName: HOST_UUID });
    fs.writeFileSync(path.join(dir, 'bad.pem'), toPem(buildPkiRequest({ identity: bad, recipient: auth.ra, cipher: 'aes-256-cbc', digest: 'sha256' }), 'PKCS7'));
    const rejected = await run(SCEP_SUBMIT, ['-u', url, '-p', '-r', path.join(dir, 'ra.pem'), '-N', path.join(dir, 'ca.pem'), '-I', path.join(dir, 'others.pem'), path.join(dir, 'bad.pem')]);
    expect(rejected.code).not.toBe(0);
  });
});

describe('bad PKIOperation input', () => {
  it('answers thousands of garbage, truncated and mutated messages with 4xx or a SCEP failure, never 5xx', async () => {
    const base = `${server.url}/scep/${fleet.integration.id}`;
    const { createClientIdentity, buildPkiRequest } = await import('@/lib/scep/testdata/scep-test-client');
    const auth = await loadAuthority(t.db);
    const valid = buildPkiRequest({ identity: createClientIdentity({ challenge: 'X', commonName: HOST_UUID }), recipient: auth.ra, cipher: 'aes-128-cbc', digest: 'sha256' });
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const bodies: Buffer[] = [Buffer.alloc(0), Buffer.from('hello'), Buffer.from([0x30, 0x82, 0xff, 0xff]), Buffer.alloc(2000, 0x30)];
    for (let i = 0; i < 800; i++) bodies.push(valid.subarray(0, rand(valid.length))); // truncated
    for (let i = 0; i < 800; i++) {
      const m = Buffer.from(valid);
      for (let k = 0; k <= rand(4); k++) m[rand(m.length)] = rand(256); // bit rot
      bodies.push(m);
    }
    for (let i = 0; i < 400; i++) bodies.push(Buffer.from(Array.from({ length: rand(700) }, () => rand(256)))); // noise
    const statuses = new Map<number, number>();
    for (let i = 0; i < bodies.length; i += 8) {
      const batch = await Promise.all(
        bodies.slice(i, i + 8).map((body) =>
          fetch(`${base}?operation=PKIOperation`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/x-pki-message' } }).then(async (r) => {
            await r.arrayBuffer();
            return r.status;
          }),
        ),
      );
      for (const st of batch) statuses.set(st, (statuses.get(st) ?? 0) + 1);
    }
    expect([...statuses.keys()].every((st) => st < 500), JSON.stringify([...statuses])).toBe(true);
    expect(bodies.length).toBeGreaterThan(2000);
    const get = await fetch(`${base}?operation=PKIOperation&message=%%%not-base64`);
    expect(get.status).toBe(400);
    expect((await fetch(`${base}?operation=PKIOperation`)).status).toBe(400);
    expect((await fetch(`${base}?operation=GetCACaps`)).status).toBe(200);
  });
});
