// The reference agent end to end: `node bin/tessera-agent.mjs` as a real process, a real software
// TPM (swtpm + tpm2-tools), and the app's ACME, attestation-CA and PKI route handlers over HTTP.
// (a) a pre-registered TPM enrolls and its device becomes high-assurance with a linked certificate;
// (b) an unknown TPM lands pending, is refused at finalize, and enrolls once approved;
// (c) forgeries built from a real TPM's output are refused (the agent's own modules drive them).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import * as acmeRoute from '@/app/acme/[...path]/route';
import * as activateRoute from '@/app/attestation/v1/ak-activate/route';
import * as challengeRoute from '@/app/attestation/v1/ak-challenge/route';
import * as attestationRootRoute from '@/app/attestation/v1/root/route';
import * as pkiRoute from '@/app/pki/[authority]/[file]/route';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { createAuthority } from '@/lib/pki/create-authority';
import { buildLinuxAgentYaml } from '@/lib/profiles/linux-agent';
import { issueAkCertificate } from '@/lib/tpm/ak-certificate';
import { publicKeyOf } from '@/lib/tpm/public-area';
import { acmeNonces, auditLog, devices } from '@/server/db/schema';
import { addEkRoot } from '@/server/services/attestation/ek-roots';
import { createDevice } from '@/server/services/devices/create-device';
import { setDeviceApproval } from '@/server/services/devices/set-device-approval';
import { loadAuthority } from '@/server/services/pki/load-authority';
import { listCertificates } from '@/server/services/pki/list-certificates';
import { AcmeClient, type AcmeAuthorization, type AcmeChallenge } from '@/agent/acme-client';
import { activateAk, requestAkChallenge } from '@/agent/attestation-ca';
import { encodeTpmAttestation } from '@/agent/att-object';
import { AgentError } from '@/agent/errors';
import { PinnedHttp, type RequestTiming } from '@/agent/pinned-http';
import { StateDir } from '@/agent/state';
import { AgentTpm, type Endorsement, type TpmKey } from '@/agent/tpm';
import { Tpm2Tools } from '@/agent/tpm2-tools';
import { installTestDb, type TestDb } from '../helpers/db';
import { seedTeam } from '../helpers/fixtures';
import { serveRoutes } from '../helpers/http-server';
import { haveSwtpm, SoftwareTpm } from '../helpers/swtpm';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ERR = 'urn:ietf:params:acme:error:';
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest();

interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Runs the agent as a device would: its own process, its own TCTI, no access to the database. */
function runAgent(args: string[]): Promise<AgentRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/tessera-agent.mjs'), ...args], {
      cwd: os.tmpdir(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      let json: unknown = null;
      try {
        json = JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
      } catch {
        json = null;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

describe.skipIf(!haveSwtpm)('tessera-agent with swtpm against the app over HTTP', () => {
  let t: TestDb;
  let seed: Awaited<ReturnType<typeof seedTeam>>;
  let server: { url: string; close: () => Promise<void> };
  let rootPem: string;
  let rootFingerprint: string;
  const tpms: SoftwareTpm[] = [];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsr-agent-it-'));

  beforeAll(async () => {
    t = await installTestDb();
    seed = await seedTeam(t.db);
    const acme = (method: 'GET' | 'HEAD' | 'POST') => (req: Request, ctx: { params: Promise<{ path: string }> }) =>
      ctx.params.then((p) => acmeRoute[method](req, { params: Promise.resolve({ path: p.path.split('/') }) }));
    server = await serveRoutes([
      { pattern: /^\/acme\/(?<path>.+)$/, methods: { GET: acme('GET'), HEAD: acme('HEAD'), POST: acme('POST') } },
      { pattern: /^\/attestation\/v1\/ak-challenge$/, methods: { POST: challengeRoute.POST } },
      { pattern: /^\/attestation\/v1\/ak-activate$/, methods: { POST: activateRoute.POST } },
      { pattern: /^\/attestation\/v1\/root$/, methods: { GET: attestationRootRoute.GET } },
      { pattern: /^\/pki\/(?<authority>[^/]+)\/(?<file>[^/]+)$/, methods: { GET: pkiRoute.GET } },
    ]);
    rootPem = (await loadAuthority(t.db)).row.rootCertPem;
    rootFingerprint = certificateFingerprint(rootPem).hex;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await Promise.all(tpms.map((tpm) => tpm.stop()));
    await t?.destroy();
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function startTpm(options: Parameters<typeof SoftwareTpm.start>[0] = {}): Promise<SoftwareTpm> {
    const tpm = await SoftwareTpm.start(options);
    tpms.push(tpm);
    return tpm;
  }

  const stateDir = (name: string) => fs.mkdtempSync(path.join(work, `${name}-`));
  const deviceByEkUri = async (ekUri: string) => (await t.db.select().from(devices).where(eq(devices.permanentIdentifier, ekUri)))[0];

  it('enrolls a pre-registered, approved TPM: high-assurance with evidence, a linked certificate chaining to the Agents root, for the TPM key', async () => {
    const tpm = await startTpm(); // no EK certificate: accepted because the device is registered
    const fp = await runAgent(['fingerprint', '--tcti', tpm.tcti, '--json']);
    expect(fp.code, fp.stderr + fp.stdout).toBe(0);
    const ekUri: string = fp.json.ekUri;
    expect(ekUri).toMatch(/^urn:ek:sha256:[A-Za-z0-9+/]{43}=$/);
    expect(fp.json.ekCertificate).toBe(false);
    const plain = await runAgent(['fingerprint', '--tcti', tpm.tcti]);
    expect(plain.stdout.trim()).toBe(ekUri);

    const { device: registered } = await createDevice(t.db, seed.ownerActor, { permanentIdentifier: ekUri, displayName: 'linux-a' }, 'api');
    expect(registered).toMatchObject({ approvalStatus: 'approved', assurance: 'low' });

    const dir = stateDir('a');
    const run = await runAgent(['enroll', '--server', server.url, '--team', 'acme', '--fingerprint', rootFingerprint, '--state-dir', dir, '--tcti', tpm.tcti, '--common-name', 'linux-a', '--json']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.json).toMatchObject({ ok: true, command: 'enroll', ekUri, team: 'acme', resumedOrder: false, deviceKey: { type: 'ecc256' } });

    // The device: high-assurance, with the TPM evidence, still approved.
    const [device] = await t.db.select().from(devices).where(eq(devices.id, registered.id));
    expect(device).toMatchObject({ assurance: 'high', attestationFormat: 'tpm', approvalStatus: 'approved' });
    expect(device.attestedAt).toBeInstanceOf(Date);
    expect(device.attestationEvidence).toMatchObject({ format: 'tpm', ekUri, via: 'acme', attestedKeySha256: run.json.deviceKey.spkiSha256 });

    // The certificate: linked to the device, the one the agent stored.
    const listed = await listCertificates(t.db, { deviceId: registered.id });
    expect(listed.certificates).toHaveLength(1);
    expect(listed.certificates[0]).toMatchObject({ issuedVia: 'acme', status: 'active', deviceId: registered.id, serialHex: run.json.certificate.serialHex });
    const leafPath = path.join(dir, 'certificate.pem');
    const chainPath = path.join(dir, 'chain.pem');
    expect(run.json.certificate).toMatchObject({ path: leafPath, chainPath, subject: 'CN=linux-a' });

    // openssl: the chain leads to the Agents root served at /pki/agents/root.pem.
    const rootFile = path.join(work, 'agents-root.pem');
    fs.writeFileSync(rootFile, await (await fetch(`${server.url}/pki/agents/root.pem`)).text());
    const verified = execFileSync('openssl', ['verify', '-CAfile', rootFile, '-untrusted', chainPath, leafPath]).toString();
    expect(verified).toContain(': OK');
    expect(execFileSync('openssl', ['x509', '-in', leafPath, '-noout', '-text']).toString()).toMatch(/TLS Web Client Authentication/);

    // The certified key is the TPM's persistent key: its public key, read from the TPM, is the certificate's.
    const tpmKeyPem = path.join(work, 'tpm-key.pem');
    const read = await tpm.tpm2('tpm2_readpublic', ['-c', run.json.deviceKey.handle, '-f', 'pem', '-o', tpmKeyPem]);
    expect(read.code, read.stderr).toBe(0);
    const certKey = execFileSync('openssl', ['x509', '-in', leafPath, '-noout', '-pubkey']).toString();
    expect(execFileSync('openssl', ['pkey', '-pubin', '-in', tpmKeyPem]).toString()).toBe(execFileSync('openssl', ['pkey', '-pubin'], { input: certKey }).toString());
    expect(read.stdout).toMatch(/fixedtpm\|fixedparent\|sensitivedataorigin/);

    // What the agent keeps: the account key private to it, the pinned root, a status.
    expect(fs.statSync(path.join(dir, 'account-key.pem')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(dir, 'root.pem'), 'utf8').trim()).toBe(rootPem.trim());
    const status = await runAgent(['status', '--state-dir', dir, '--json']);
    expect(status.code).toBe(0);
    expect(status.json).toMatchObject({ state: 'enrolled', ekUri, certificate: { serialHex: run.json.certificate.serialHex }, lastAttempt: { outcome: 'enrolled' } });
    const text = await runAgent(['status', '--state-dir', dir]);
    expect(text.stdout).toMatch(/state:\s+enrolled/);

    // Running enroll again renews: the same TPM key and AK, a new certificate.
    const again = await runAgent(['enroll', '--server', server.url, '--fingerprint', rootFingerprint, '--state-dir', dir, '--tcti', tpm.tcti, '--common-name', 'linux-a', '--json']);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(again.json.deviceKey).toEqual(run.json.deviceKey);
    expect(again.json.certificate.serialHex).not.toBe(run.json.certificate.serialHex);
    expect((await listCertificates(t.db, { deviceId: registered.id })).certificates).toHaveLength(2);
  }, 300_000);

  it('an unknown TPM (EK certificate from a trusted vendor) lands pending and is refused at finalize; after approval, enroll again succeeds', async () => {
    const tpm = await startTpm({ ekCertificates: true });
    await addEkRoot(t.db, seed.ownerActor, { name: 'swtpm-localca (agent tests)', pem: tpm.localCa!.rootPem });
    const dir = stateDir('b');
    const issuer = path.join(work, 'ek-issuer.pem');
    fs.writeFileSync(issuer, tpm.localCa!.issuerPem);
    // The agent.yaml Tessera generates for Fleet's Linux hosts, plus this machine's settings.
    const config = path.join(work, 'agent.yaml');
    const generated = buildLinuxAgentYaml({
      teamSlug: 'acme',
      teamName: 'Acme',
      caName: 'TESSERA',
      rootCaPem: rootPem,
      rootFingerprintSha256: rootFingerprint,
      tesseraUrl: server.url,
      scepUrl: `${server.url}/scep/x`,
      challengeUrl: `${server.url}/webhook/x/challenge`,
      certificateSubject: 'host-uuid',
    });
    fs.writeFileSync(config, `${generated}state-dir: "${dir}"\ntcti: "${tpm.tcti}"\nek-chain: "${issuer}"\ncommon-name: "linux-b"\n`);

    const first = await runAgent(['enroll', '--config', config, '--json']);
    expect(first.code, first.stderr + first.stdout).toBe(6);
    expect(first.json).toMatchObject({ ok: false, error: { kind: 'awaitingApproval', exitCode: 6, problem: { type: ERR + 'unauthorized', status: 403 } } });
    expect(first.json.error.message).toMatch(/awaits approval/);

    const ekUri = (await runAgent(['fingerprint', '--config', config, '--json'])).json.ekUri;
    const pending = await deviceByEkUri(ekUri);
    expect(pending).toMatchObject({ approvalStatus: 'pending', assurance: 'high', attestationFormat: 'tpm', sourceKinds: ['agent'] });
    expect((await listCertificates(t.db, { deviceId: pending.id })).certificates).toHaveLength(0);
    const refused = await t.db.select().from(auditLog).where(and(eq(auditLog.action, 'acme.finalize.refused'), eq(auditLog.targetId, pending.id)));
    expect(refused).toHaveLength(1);

    const waiting = await runAgent(['status', '--config', config, '--json']);
    expect(waiting.code).toBe(6);
    expect(waiting.json).toMatchObject({ state: 'awaiting-approval', pendingOrder: { ekUri } });
    const human = await runAgent(['enroll', '--config', config]);
    expect(human.code).toBe(6);
    expect(human.stderr).toMatch(/awaits approval/);
    expect(human.stderr).toMatch(/hint: Once it is approved/);

    await setDeviceApproval(t.db, seed.ownerActor, { deviceIds: [pending.id], decision: 'approved' });
    const second = await runAgent(['enroll', '--config', config, '--json']);
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.json).toMatchObject({ ok: true, ekUri, team: 'acme', resumedOrder: true, certificate: { subject: 'CN=linux-b' } });
    const issued = await listCertificates(t.db, { deviceId: pending.id });
    expect(issued.certificates).toMatchObject([{ issuedVia: 'acme', status: 'active', serialHex: second.json.certificate.serialHex }]);
    expect((await runAgent(['status', '--config', config, '--json'])).json.state).toBe('enrolled');
  }, 300_000);

  it('stops at a fingerprint that does not match the server\'s root, and at a server that is not there', async () => {
    const tpm = await startTpm();
    const wrong = await runAgent(['enroll', '--server', server.url, '--fingerprint', 'ab'.repeat(32), '--state-dir', stateDir('pin'), '--tcti', tpm.tcti, '--json']);
    expect(wrong.code).toBe(4);
    expect(wrong.json.error.message).toContain(`has SHA-256 fingerprint ${rootFingerprint}, not the pinned ${'ab'.repeat(32)}`);
    const down = await runAgent(['enroll', '--server', 'http://127.0.0.1:9', '--fingerprint', rootFingerprint, '--state-dir', stateDir('down'), '--tcti', tpm.tcti, '--json']);
    expect(down.code).toBe(4);
    expect(down.json.error.message).toMatch(/Cannot reach .*connection refused/);
    const usage = await runAgent(['enroll', '--server', server.url, '--fingerprint', 'not-hex', '--state-dir', stateDir('usage'), '--json']);
    expect(usage.code).toBe(2);
  }, 120_000);

  describe('forged attestations, end to end with a real TPM', () => {
    let tpm: SoftwareTpm;
    let agentTpm: AgentTpm;
    let http: PinnedHttp;
    let ek: Endorsement;
    let ak: TpmKey;
    let key: TpmKey;
    let deviceId: string;
    const timings: RequestTiming[] = [];

    beforeAll(async () => {
      tpm = await startTpm();
      const dir = new StateDir(stateDir('forged')).ensure();
      agentTpm = new AgentTpm(new Tpm2Tools({ tcti: tpm.tcti, cwd: dir.tmpDir }), dir.tmpDir);
      ek = await agentTpm.endorsementKey();
      ({ device: { id: deviceId } } = await createDevice(t.db, seed.ownerActor, { permanentIdentifier: ek.ekUri, displayName: 'forgery target' }, 'api'));
      ak = await agentTpm.createAttestationKey(ek, await agentTpm.freeHandle());
      key = await agentTpm.createDeviceKey('ecc256', await agentTpm.freeHandle());
      http = await PinnedHttp.bootstrap(server.url, rootFingerprint, { onTiming: (x) => timings.push(x) });
    }, 120_000);

    afterAll(() => http?.close());

    async function akCertificate() {
      const challenge = await requestAkChallenge(http, { ekPublic: ek.publicArea, akPublic: ak.publicArea });
      const secret = await agentTpm.activateCredential(ak, ek, Buffer.from(challenge.tpm2ToolsCredential, 'base64'));
      return { challenge, secret, activation: await activateAk(http, challenge.sessionId, secret, ek.ekUri) };
    }

    async function newAccount(): Promise<AcmeClient> {
      const { generateKeyPairSync } = await import('node:crypto');
      const acme = new AcmeClient(http, http.url('/acme/agents/directory'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
      await acme.account();
      return acme;
    }

    /** A new order for `identifier` and its device-attest-01 challenge. */
    async function order(acme: AcmeClient, identifier = ek.ekUri) {
      const { url, order } = await acme.newOrder(identifier);
      const authz = await acme.authorization(order.authorizations[0]);
      return { url, order, authzUrl: order.authorizations[0], challenge: authz.challenges.find((c) => c.type === 'device-attest-01')! };
    }

    async function answer(acme: AcmeClient, challengeUrl: string, attObj: string) {
      return (await acme.postOk<AcmeChallenge>(challengeUrl, { attObj }, 'challenge')).body;
    }

    it('a replayed credential secret: refused for its own session (answered) and for a new session', async () => {
      const { challenge, secret } = await akCertificate();
      await expect(activateAk(http, challenge.sessionId, secret, ek.ekUri)).rejects.toMatchObject({ kind: 'refused', details: { status: 409 } });
      const fresh = await requestAkChallenge(http, { ekPublic: ek.publicArea, akPublic: ak.publicArea });
      const replayed = await activateAk(http, fresh.sessionId, secret, ek.ekUri).catch((e: AgentError) => e);
      expect(replayed).toBeInstanceOf(AgentError);
      expect((replayed as AgentError).details.status).toBe(403);
      expect((replayed as AgentError).message).toMatch(/does not match/);
    }, 60_000);

    it('a TPM2_Certify over another key authorization is refused', async () => {
      const { activation } = await akCertificate();
      const acme = await newAccount();
      const other = await newAccount();
      const { challenge, url } = await order(acme);
      const { certInfo, sig } = await agentTpm.certify(key, ak, sha256(other.keyAuthorization(challenge.token)));
      const res = await answer(acme, challenge.url, encodeTpmAttestation({ ak: ak.area, x5c: activation.x5c, sig, certInfo, pubArea: key.area.bytes }));
      expect(res.status).toBe('invalid');
      expect(res.error).toMatchObject({ type: ERR + 'badAttestationStatement' });
      expect(res.error!.detail).toMatch(/key authorization/);
      expect((await acme.order(url)).status).toBe('invalid');
    }, 60_000);

    it('an AK certificate that is not from Tessera\'s attestation CA is refused', async () => {
      const rogue = await createAuthority({ name: 'Rogue attestation' });
      const rogueAk = issueAkCertificate({
        akPublicKey: publicKeyOf(ak.area),
        ekUri: ek.ekUri,
        issuerCertificate: rogue.intermediate.certificateDer,
        issuerPrivateKey: rogue.intermediate.privateKeyPem,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
      });
      const acme = await newAccount();
      const { challenge } = await order(acme);
      const { certInfo, sig } = await agentTpm.certify(key, ak, sha256(acme.keyAuthorization(challenge.token)));
      const x5c = [rogueAk.der.toString('base64'), rogue.intermediate.certificateDer.toString('base64')];
      const res = await answer(acme, challenge.url, encodeTpmAttestation({ ak: ak.area, x5c, sig, certInfo, pubArea: key.area.bytes }));
      expect(res.status).toBe('invalid');
      expect(res.error!.detail).toMatch(/AK certificate is not trusted/);
    }, 60_000);

    it('a tampered certInfo is refused (the AK signature no longer verifies)', async () => {
      const { activation } = await akCertificate();
      const acme = await newAccount();
      const { challenge } = await order(acme);
      const { certInfo, sig } = await agentTpm.certify(key, ak, sha256(acme.keyAuthorization(challenge.token)));
      // TPMS_ATTEST: magic, type, qualifiedSigner, extraData, then clockInfo: change the clock.
      const tampered = Buffer.from(certInfo);
      const clockAt = 8 + tampered.readUInt16BE(6);
      tampered[clockAt + 2 + tampered.readUInt16BE(clockAt) + 4] ^= 0x01;
      const res = await answer(acme, challenge.url, encodeTpmAttestation({ ak: ak.area, x5c: activation.x5c, sig, certInfo: tampered, pubArea: key.area.bytes }));
      expect(res.status).toBe('invalid');
      expect(res.error).toMatchObject({ type: ERR + 'badAttestationStatement' });
      expect(res.error!.detail).toMatch(/not a valid RS256 signature over certInfo/);
    }, 60_000);

    it('a genuine statement for another TPM\'s EK URI is refused (wrong EK)', async () => {
      const { activation } = await akCertificate();
      const other = await startTpm();
      const otherEk = await new AgentTpm(new Tpm2Tools({ tcti: other.tcti, cwd: other.dir }), path.join(other.dir, 'agent')).endorsementKey();
      await createDevice(t.db, seed.ownerActor, { permanentIdentifier: otherEk.ekUri, displayName: 'victim' }, 'api');
      const acme = await newAccount();
      const { challenge } = await order(acme, otherEk.ekUri);
      const { certInfo, sig } = await agentTpm.certify(key, ak, sha256(acme.keyAuthorization(challenge.token)));
      const res = await answer(acme, challenge.url, encodeTpmAttestation({ ak: ak.area, x5c: activation.x5c, sig, certInfo, pubArea: key.area.bytes }));
      expect(res.status).toBe('invalid');
      expect(res.error!.subproblems).toEqual([expect.objectContaining({ type: ERR + 'rejectedIdentifier', identifier: { type: 'permanent-identifier', value: otherEk.ekUri } })]);
      expect((await deviceByEkUri(otherEk.ekUri)).assurance).toBe('low');
    }, 60_000);

    it('used and expired nonces are refused; the agent\'s client recovers with the nonce the refusal carries', async () => {
      const acme = await newAccount();
      const { url } = await order(acme);
      // A nonce already spent.
      const body = await acme.signedBody(url, '');
      expect((await http.request('POST', url, { contentType: 'application/jose+json', data: body })).status).toBe(200);
      const replay = await http.request('POST', url, { contentType: 'application/jose+json', data: body });
      expect(replay.status).toBe(400);
      expect(JSON.parse(replay.body.toString()).type).toBe(ERR + 'badNonce');
      // An expired one, then the client's retry.
      await t.db.insert(acmeNonces).values({ value: 'agent-expired-nonce-000', expiresAt: new Date(Date.now() - 1000) });
      timings.length = 0;
      const reply = await acme.post(url, '', { nonce: 'agent-expired-nonce-000' });
      expect(reply.status).toBe(200);
      expect(timings.map((x) => x.status)).toEqual([400, 200]);
    }, 60_000);

    it('none of the forgeries made the device high-assurance; the genuine statement then does', async () => {
      expect((await t.db.select().from(devices).where(eq(devices.id, deviceId)))[0].assurance).toBe('low');
      const refusals = await t.db.select().from(auditLog).where(eq(auditLog.action, 'acme.attestation.refused'));
      expect(refusals.length).toBeGreaterThanOrEqual(4);

      const { activation } = await akCertificate();
      const acme = await newAccount();
      const { challenge, authzUrl } = await order(acme);
      const { certInfo, sig } = await agentTpm.certify(key, ak, sha256(acme.keyAuthorization(challenge.token)));
      const res = await answer(acme, challenge.url, encodeTpmAttestation({ ak: ak.area, x5c: activation.x5c, sig, certInfo, pubArea: key.area.bytes }));
      expect(res.status, JSON.stringify(res.error)).toBe('valid');
      expect((await acme.authorization(authzUrl)).status satisfies AcmeAuthorization['status']).toBe('valid');
      expect((await t.db.select().from(devices).where(eq(devices.id, deviceId)))[0]).toMatchObject({ assurance: 'high', attestationFormat: 'tpm' });
    }, 60_000);
  });
});
