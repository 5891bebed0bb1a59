// ACME with device-attest-01 (`apple` format) against the real route handler over HTTP, driven by a
// small real ACME client; the Apple chain comes from a test CA configured as the trusted root.
// Issued chains are checked with openssl.
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { encode } from 'cborg';
import * as acmeRoute from '@/app/acme/[...path]/route';
import * as pkiRoute from '@/app/pki/[authority]/[file]/route';
import { resetEnvCache } from '@/lib/env';
import { parseCertificate } from '@/lib/pki/parse-certificate';
import { readSubjectAltNames } from '@/lib/pki/parse-csr';
import { pemBlocks } from '@/lib/pki/pem';
import { OID } from '@/lib/pki/oids';
import { OID_PERMANENT_IDENTIFIER } from '@/lib/acme/permanent-identifier';
import { buildCsr } from '@/lib/scep/testdata/scep-test-client';
import { acmeChallenges, acmeNonces, acmeOrders, auditLog, devices } from '@/server/db/schema';
import { recordDeviceSource } from '@/server/services/devices/record-device-source';
import { setDeviceApproval } from '@/server/services/devices/set-device-approval';
import { listCertificates } from '@/server/services/pki/list-certificates';
import { getDeviceDetail } from '@/server/services/devices/get-device-detail';
import { pruneNonces } from '@/server/services/acme/issue-nonce';
import { loadAttestationCa } from '@/server/services/attestation/load-attestation-ca';
import { TPM_ALG, TPM_ST_ATTEST } from '@/lib/tpm/constants';
import { marshalTpmsAttest } from '@/lib/tpm/attest';
import { issueAkCertificate } from '@/lib/tpm/ak-certificate';
import { ekUriOf } from '@/lib/tpm/ek';
import { objectName } from '@/lib/tpm/public-area';
import { marshalTpmtSignature, signAsTpm } from '@/lib/tpm/signature';
import { DEVICE_KEY_ATTRIBUTES, signingArea, softwareEk } from '@/lib/tpm/testdata/software-keys';
import { AcmeClient, generateAccountKey, signJws, type AcmeResponse } from '../helpers/acme-client';
import { createAppleTestCa } from '../helpers/apple-test-ca';
import { installTestDb, type TestDb } from '../helpers/db';
import { seedTeam } from '../helpers/fixtures';
import { serveRoutes } from '../helpers/http-server';

let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
let server: { url: string; close: () => Promise<void> };
let directoryUrl: string;
const ca = createAppleTestCa();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-acme-it-'));
const clients: AcmeClient[] = [];

const ERR = 'urn:ietf:params:acme:error:';
const csrFor = (key: { privateKey: import('node:crypto').KeyObject; publicKey: import('node:crypto').KeyObject }, cn = 'device') =>
  buildCsr({ key: key.privateKey, publicKey: key.publicKey, subject: [['CN', cn]] });

async function account(): Promise<AcmeClient> {
  const client = new AcmeClient(directoryUrl);
  clients.push(client);
  const res = await client.createAccount({ termsOfServiceAgreed: true, contact: ['mailto:it@acme.test'] });
  expect(res.status).toBe(201);
  return client;
}

/** newOrder for an identifier, returning the order, its URL and its challenge. */
async function order(client: AcmeClient, identifier: string) {
  const res = await client.newOrder(identifier);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const challenge = await client.challengeOf(res.body);
  return { order: res.body, url: res.location!, challenge };
}

function expectProblem(res: AcmeResponse, status: number, type: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body.type).toBe(ERR + type);
  expect(res.nonce).toBeTruthy();
}

beforeAll(async () => {
  process.env.TESSERA_APPLE_ATTESTATION_ROOTS_PEM = ca.rootPem;
  resetEnvCache();
  t = await installTestDb();
  seed = await seedTeam(t.db);
  const acme = (method: 'GET' | 'HEAD' | 'POST') => (req: Request, ctx: { params: Promise<{ path: string }> }) =>
    ctx.params.then((p) => acmeRoute[method](req, { params: Promise.resolve({ path: p.path.split('/') }) }));
  server = await serveRoutes([
    { pattern: /^\/acme\/(?<path>.+)$/, methods: { GET: acme('GET'), HEAD: acme('HEAD'), POST: acme('POST') } },
    { pattern: /^\/pki\/(?<authority>[^/]+)\/(?<file>[^/]+)$/, methods: { GET: pkiRoute.GET } },
  ]);
  directoryUrl = `${server.url}/acme/agents/directory`;
});

afterAll(async () => {
  delete process.env.TESSERA_APPLE_ATTESTATION_ROOTS_PEM;
  resetEnvCache();
  await server?.close();
  await t?.destroy();
});

describe('directory, nonces and accounts', () => {
  it('serves the directory with the RFC 8555 resources and a Link to itself', async () => {
    const res = await fetch(directoryUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('link')).toBe(`<${directoryUrl}>;rel="index"`);
    const dir = await res.json();
    expect(dir).toEqual({
      newNonce: `${server.url}/acme/agents/new-nonce`,
      newAccount: `${server.url}/acme/agents/new-account`,
      newOrder: `${server.url}/acme/agents/new-order`,
      revokeCert: `${server.url}/acme/agents/revoke-cert`,
      meta: { website: server.url, externalAccountRequired: false },
    });
    expect(dir.keyChange).toBeUndefined();
    expect((await fetch(`${server.url}/acme/other/directory`)).status).toBe(404);
  });

  it('hands out single-use nonces by HEAD (200) and GET (204), never cached', async () => {
    const head = await fetch(`${server.url}/acme/agents/new-nonce`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('cache-control')).toBe('no-store');
    expect(head.headers.get('replay-nonce')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const get = await fetch(`${server.url}/acme/agents/new-nonce`);
    expect(get.status).toBe(204);
    expect(get.headers.get('replay-nonce')).not.toBe(head.headers.get('replay-nonce'));
    const stored = await t.db.select().from(acmeNonces).where(eq(acmeNonces.value, head.headers.get('replay-nonce')!));
    expect(stored).toHaveLength(1);
  });

  it('creates an account (201, Location), finds it again by key (200), refuses unknown keys with onlyReturnExisting', async () => {
    const client = new AcmeClient(directoryUrl);
    clients.push(client);
    const created = await client.createAccount({ termsOfServiceAgreed: true, contact: ['mailto:ops@acme.test'] });
    expect(created.status).toBe(201);
    expect(created.location).toMatch(new RegExp(`^${server.url}/acme/agents/acct/[0-9a-f-]{36}$`));
    expect(created.body).toMatchObject({ status: 'valid', contact: ['mailto:ops@acme.test'], orders: `${created.location}/orders` });
    const again = await client.createAccount({ onlyReturnExisting: true });
    expect(again.status).toBe(200);
    expect(again.location).toBe(created.location);
    const read = await client.post(created.location!, '');
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('valid');

    const stranger = new AcmeClient(directoryUrl);
    clients.push(stranger);
    expectProblem(await stranger.createAccount({ onlyReturnExisting: true }), 400, 'accountDoesNotExist');
    expectProblem(await stranger.createAccount({ contact: ['tel:+15555550100'] }), 400, 'unsupportedContact');
    expectProblem(await stranger.createAccount({ contact: ['mailto:a@b.test,c@d.test'] }), 400, 'invalidContact');
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.action, 'acme.account.create'));
    expect(audit.some((a) => a.actorType === 'acme' && a.targetId === created.location!.split('/').pop())).toBe(true);
  });
});

describe('device-attest-01 with the apple format', () => {
  it('makes a pre-registered, approved device high-assurance and issues it a certificate linked to it', async () => {
    const serial = 'C02APPLE0001';
    const { device: registered } = await recordDeviceSource(t.db, seed.ownerActor, {
      kind: 'api', source: 'api', externalId: serial, facts: { permanentIdentifier: serial, serial, displayName: 'Ana MacBook' }, authoritative: true,
    });
    expect(registered).toMatchObject({ approvalStatus: 'approved', assurance: 'low' });

    const client = await account();
    const { order: o, url: orderUrl, challenge } = await order(client, serial);
    expect(o).toMatchObject({ status: 'pending', identifiers: [{ type: 'permanent-identifier', value: serial }] });
    expect(challenge.status).toBe('pending');
    expect(Buffer.from(challenge.token, 'base64url').length).toBeGreaterThanOrEqual(16);

    const att = ca.attObj({ serial, udid: '00008103-001122334455667A', token: challenge.token });
    const res = await client.respond(challenge.url, att.attObj);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ type: 'device-attest-01', status: 'valid', url: challenge.url });
    expect(res.body.validated).toMatch(/Z$/);
    expect(res.headers.get('link')).toContain(`<${challenge.authzUrl}>;rel="up"`);

    const ready = await client.post(orderUrl, '');
    expect(ready.body.status).toBe('ready');
    const authz = await client.post(challenge.authzUrl, '');
    expect(authz.body.status).toBe('valid');

    const [device] = await t.db.select().from(devices).where(eq(devices.id, registered.id));
    expect(device).toMatchObject({ assurance: 'high', attestationFormat: 'apple' });
    expect(device.attestedAt).toBeInstanceOf(Date);
    const evidence = device.attestationEvidence as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(evidence).toMatchObject({ format: 'apple', serialNumber: serial, udid: '00008103-001122334455667A', via: 'acme', identifier: serial });
    expect(evidence.chain).toHaveLength(3);
    expect(evidence.chain[0].subject).toContain('AAA Certification');

    // The CSR must carry the attested key.
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expectProblem(await client.finalize(o.finalize, csrFor(stranger)), 400, 'badCSR');
    expect((await client.post(orderUrl, '')).body.status).toBe('ready');

    const done = await client.finalize(o.finalize, csrFor(att, 'Ana MacBook'));
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.status).toBe('valid');
    expect(done.body.certificate).toMatch(/\/acme\/agents\/cert\/[0-9a-f-]{36}$/);

    const cert = await client.post(done.body.certificate, '');
    expect(cert.status).toBe(200);
    expect(cert.headers.get('content-type')).toBe('application/pem-certificate-chain');
    const [leafDer, intermediateDer] = pemBlocks(cert.body);
    const leaf = parseCertificate(leafDer);
    expect(leaf.subject).toBe('CN=Ana MacBook');
    expect(Buffer.from(leaf.subjectPublicKeyInfoDer).equals(att.publicKey.export({ format: 'der', type: 'spki' }))).toBe(true);
    const san = readSubjectAltNames(leaf.extensions.find((e) => e.oid === OID.subjectAltName)!.value);
    expect(san.otherNames.map((n) => n.typeId)).toEqual([OID_PERMANENT_IDENTIFIER]);
    expect(Buffer.from(san.otherNames[0].value).toString('latin1')).toContain(serial);
    expect(intermediateDer).toBeTruthy();

    // openssl agrees that the chain leads to the Agents root and reads the permanent identifier.
    fs.writeFileSync(path.join(work, 'chain.pem'), cert.body);
    fs.writeFileSync(path.join(work, 'root.pem'), await (await fetch(`${server.url}/pki/agents/root.pem`)).text());
    const verified = execFileSync('openssl', ['verify', '-CAfile', path.join(work, 'root.pem'), '-untrusted', path.join(work, 'chain.pem'), path.join(work, 'chain.pem')]).toString();
    expect(verified).toContain(': OK');
    const text = execFileSync('openssl', ['x509', '-in', path.join(work, 'chain.pem'), '-noout', '-text']).toString();
    expect(text).toMatch(/TLS Web Client Authentication/);
    // OpenSSL 3.0 names the otherName but does not print its value; the bytes are what
    // `openssl req -addext subjectAltName=otherName:1.3.6.1.5.5.7.8.3;SEQUENCE:...` encodes.
    expect(text).toMatch(/othername: Permanent Identifier/);
    const sanDer = leaf.extensions.find((e) => e.oid === OID.subjectAltName)!.value;
    expect(Buffer.from(sanDer).toString('hex')).toBe('301ea01c06082b06010505070803a010300e0c0c' + Buffer.from(serial).toString('hex'));

    // Linked to the device and listed with the certificates.
    const listed = await listCertificates(t.db, { deviceId: registered.id });
    expect(listed.certificates).toHaveLength(1);
    expect(listed.certificates[0]).toMatchObject({ issuedVia: 'acme', template: 'acme', serialHex: leaf.serialNumberHex, status: 'active', deviceId: registered.id });
    const detail = await getDeviceDetail(t.db, registered.id);
    expect(detail.certificates[0].serialHex).toBe(leaf.serialNumberHex);
    const actions = detail.history.map((h) => h.action);
    expect(actions).toEqual(expect.arrayContaining(['device.attest', 'certificate.issue']));
    const [row] = await t.db.select().from(acmeOrders).where(eq(acmeOrders.id, orderUrl.split('/').pop()!));
    expect(row.deviceId).toBe(registered.id);

    // Finalizing again returns the same valid order; revoking works once.
    expect((await client.finalize(o.finalize, csrFor(att))).body.certificate).toBe(done.body.certificate);
    const revoke = await client.post(client.dir!.revokeCert!, { certificate: leafDer.toString('base64url'), reason: 4 });
    expect(revoke.status).toBe(200);
    expectProblem(await client.post(client.dir!.revokeCert!, { certificate: leafDer.toString('base64url') }), 400, 'alreadyRevoked');
    expect((await listCertificates(t.db, { deviceId: registered.id })).certificates[0].status).toBe('revoked');
  });

  it('fills in the permanent identifier of a device an MDM knows only by serial, and accepts the UDID as identifier', async () => {
    const serial = 'C02MDMONLY01';
    const udid = '00008103-000A0B0C0D0E0F10';
    const { device: synced } = await recordDeviceSource(t.db, { type: 'mdm', label: 'jamf' }, {
      kind: 'jamf', source: 'mdm:test', externalId: '77', facts: { serial, displayName: 'Lab Mac' }, authoritative: false,
    });
    expect(synced.permanentIdentifier).toBeNull();
    const client = await account();
    const { challenge } = await order(client, udid);
    const res = await client.respond(challenge.url, ca.attObj({ serial, udid, token: challenge.token }).attObj);
    expect(res.body.status).toBe('valid');
    const [device] = await t.db.select().from(devices).where(eq(devices.id, synced.id));
    expect(device).toMatchObject({ permanentIdentifier: serial, assurance: 'high', approvalStatus: 'pending' });
    expect(device.sourceKinds).toEqual(['jamf', 'agent']);
  });

  it('creates an unknown device as a pending self-enrolled agent and refuses to finalize until it is approved', async () => {
    const serial = 'C02UNKNOWN01';
    const client = await account();
    const { order: o, url: orderUrl, challenge } = await order(client, serial);
    const att = ca.attObj({ serial, token: challenge.token });
    expect((await client.respond(challenge.url, att.attObj)).body.status).toBe('valid');
    const [device] = await t.db.select().from(devices).where(eq(devices.permanentIdentifier, serial));
    expect(device).toMatchObject({ approvalStatus: 'pending', assurance: 'high', sourceKinds: ['agent'], serial });

    const refused = await client.finalize(o.finalize, csrFor(att));
    expectProblem(refused, 403, 'unauthorized');
    expect(refused.body.detail).toMatch(/awaits approval/);
    expect((await client.post(orderUrl, '')).body.status).toBe('ready');
    expect((await listCertificates(t.db, { deviceId: device.id })).certificates).toHaveLength(0);
    const audit = await t.db.select().from(auditLog).where(and(eq(auditLog.action, 'acme.finalize.refused'), eq(auditLog.targetId, device.id)));
    expect(audit).toHaveLength(1);

    await setDeviceApproval(t.db, seed.ownerActor, { deviceIds: [device.id], decision: 'approved' });
    const issued = await client.finalize(o.finalize, csrFor(att));
    expect(issued.body.status).toBe('valid');
    expect((await listCertificates(t.db, { deviceId: device.id })).certificates).toHaveLength(1);
  });

  it('refuses a forged serial, a wrong nonce, an untrusted root and an expired leaf, each with its problem', async () => {
    const serial = 'C02VICTIM001';
    const { device: victim } = await recordDeviceSource(t.db, seed.ownerActor, {
      kind: 'api', source: 'api', externalId: serial, facts: { permanentIdentifier: serial, serial }, authoritative: true,
    });
    const client = await account();
    const attempts: Array<[string, (token: string) => string, RegExp]> = [
      ['forged serial', (token) => ca.attObj({ serial: 'C02ATTACKER1', token }).attObj, /does not match/],
      ['wrong nonce', () => ca.attObj({ serial, token: 'a-token-from-another-challenge' }).attObj, /not made for this challenge/],
      ['untrusted root', (token) => createAppleTestCa('Rogue').attObj({ serial, token }).attObj, /does not chain to a trusted Apple attestation root/],
      ['expired leaf', (token) => ca.attObj({ serial, token, notBefore: new Date(Date.now() - 20 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) }).attObj, /expired/],
      ['no freshness code', () => ca.attObj({ serial, nonce: null }).attObj, /freshness code/],
      ['unsupported format', () => Buffer.from(encode({ fmt: 'packed', attStmt: {} })).toString('base64url'), /not supported/],
      ['not CBOR', () => Buffer.from('{"fmt":"apple"}').toString('base64url'), /CBOR/],
    ];
    for (const [name, make, detail] of attempts) {
      const { url: orderUrl, challenge } = await order(client, serial);
      const res = await client.respond(challenge.url, make(challenge.token));
      expect(res.status, name).toBe(200);
      expect(res.body.status, name).toBe('invalid');
      expect(res.body.error.type, name).toBe(ERR + 'badAttestationStatement');
      expect(res.body.error.detail, name).toMatch(detail);
      const o = await client.post(orderUrl, '');
      expect(o.body.status, name).toBe('invalid');
      expect(o.body.error.type, name).toBe(ERR + 'badAttestationStatement');
      expect((await client.post(challenge.authzUrl, '')).body.status, name).toBe('invalid');
      // A decided challenge stays decided.
      expect((await client.respond(challenge.url, ca.attObj({ serial, token: challenge.token }).attObj)).body.status, name).toBe('invalid');
      if (name === 'forged serial') {
        expect(res.body.error.subproblems).toEqual([
          { type: ERR + 'rejectedIdentifier', detail: expect.stringContaining('C02ATTACKER1'), identifier: { type: 'permanent-identifier', value: serial } },
        ]);
      }
    }
    const [device] = await t.db.select().from(devices).where(eq(devices.id, victim.id));
    expect(device.assurance).toBe('low');
    const refusals = await t.db.select().from(auditLog).where(eq(auditLog.action, 'acme.attestation.refused'));
    expect(refusals.length).toBeGreaterThanOrEqual(attempts.length);
    expect(await t.db.select().from(devices).where(eq(devices.permanentIdentifier, 'C02ATTACKER1'))).toHaveLength(0);
  });

  it('keeps a challenge pending when the response is not an attestation object at all', async () => {
    const client = await account();
    const { challenge } = await order(client, 'C02MALFORMED');
    expectProblem(await client.post(challenge.url, {}), 400, 'malformed');
    expectProblem(await client.respond(challenge.url, 'not base64url!'), 400, 'malformed');
    expectProblem(await client.respond(challenge.url, 'A'.repeat(100_000)), 400, 'malformed');
    const [row] = await t.db.select().from(acmeChallenges).where(eq(acmeChallenges.id, challenge.url.split('/').pop()!));
    expect(row.status).toBe('pending');
    expect((await client.post(challenge.url, '')).body.status).toBe('pending');
    // The correct response still works afterwards.
    expect((await client.respond(challenge.url, ca.attObj({ serial: 'C02MALFORMED', token: challenge.token }).attObj)).body.status).toBe('valid');
  });
});

/**
 * A `tpm` statement as a TPM makes it (TPM2_Certify of a device key by an AK over SHA-256 of the key
 * authorization), from software keys, with an AK certificate from Tessera's attestation CA: the
 * same statement the reference agent sends after credential activation. swtpm runs it for real in
 * the end-to-end test; this one covers the ACME wiring.
 */
async function tpmAttObj(ekUri: string, keyAuthorization: string) {
  const ca = await loadAttestationCa(t.db);
  const ak = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const area = signingArea(device.publicKey, DEVICE_KEY_ATTRIBUTES);
  const certInfo = marshalTpmsAttest({
    type: TPM_ST_ATTEST.CERTIFY,
    qualifiedSigner: objectName(signingArea(ak.publicKey)),
    extraData: createHash('sha256').update(keyAuthorization).digest(),
    clockInfo: { clock: 1000n, resetCount: 1, restartCount: 0, safe: true },
    firmwareVersion: 0x2019102300000000n,
    attested: { type: 'certify', name: objectName(area), qualifiedName: objectName(area) },
  });
  const sig = marshalTpmtSignature(signAsTpm(certInfo, ak.privateKey, { sigAlg: TPM_ALG.RSASSA, hashAlg: TPM_ALG.SHA256 }));
  const akCert = issueAkCertificate({
    akPublicKey: ak.publicKey,
    ekUri,
    tpm: { manufacturer: 'id:00001014', model: 'swtpm', version: 'id:20191023' },
    issuerCertificate: ca.intermediate.der,
    issuerPrivateKey: ca.intermediateKey,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
  }).der;
  const attStmt = { ver: '2.0', alg: -257, x5c: [new Uint8Array(akCert), new Uint8Array(ca.intermediate.der)], sig: new Uint8Array(sig), certInfo: new Uint8Array(certInfo), pubArea: new Uint8Array(area.bytes) };
  return { attObj: Buffer.from(encode({ fmt: 'tpm', attStmt })).toString('base64url'), device };
}

describe('device-attest-01 with the tpm format', () => {
  it('binds the EK URI and the certified key, and issues to the device once approved', async () => {
    const ekUri = ekUriOf(softwareEk('rsa').publicKey);
    const client = await account();
    const { order: o, challenge } = await order(client, ekUri);
    const { attObj, device: key } = await tpmAttObj(ekUri, client.keyAuthorization(challenge.token));
    const res = await client.respond(challenge.url, attObj);
    expect(res.body.status, JSON.stringify(res.body)).toBe('valid');
    const [device] = await t.db.select().from(devices).where(eq(devices.permanentIdentifier, ekUri));
    expect(device).toMatchObject({ assurance: 'high', attestationFormat: 'tpm', approvalStatus: 'pending', sourceKinds: ['agent'], serial: null });
    expect(device.attestationEvidence).toMatchObject({ format: 'tpm', ekUri, via: 'acme', attestedKeySha256: createHash('sha256').update(key.publicKey.export({ format: 'der', type: 'spki' })).digest('hex') });

    expectProblem(await client.finalize(o.finalize, csrFor(key)), 403, 'unauthorized');
    await setDeviceApproval(t.db, seed.ownerActor, { deviceIds: [device.id], decision: 'approved' });
    expectProblem(await client.finalize(o.finalize, csrFor(generateKeyPairSync('ec', { namedCurve: 'P-256' }))), 400, 'badCSR');
    const done = await client.finalize(o.finalize, csrFor(key, 'linux-host-1'));
    expect(done.body.status).toBe('valid');
    const leaf = parseCertificate(pemBlocks((await client.post(done.body.certificate, '')).body)[0]);
    expect(leaf.subject).toBe('CN=linux-host-1');
    expect((await listCertificates(t.db, { deviceId: device.id })).certificates).toMatchObject([{ issuedVia: 'acme', status: 'active' }]);
  });

  it('refuses a statement for another EK, or made for another account\'s key authorization', async () => {
    const ekUri = ekUriOf(softwareEk('rsa').publicKey);
    const client = await account();
    const other = await account();

    const first = await order(client, ekUri);
    const foreignEk = await tpmAttObj(ekUriOf(softwareEk('rsa').publicKey), client.keyAuthorization(first.challenge.token));
    const res = await client.respond(first.challenge.url, foreignEk.attObj);
    expect(res.body.status).toBe('invalid');
    expect(res.body.error).toMatchObject({ type: ERR + 'badAttestationStatement', subproblems: [{ type: ERR + 'rejectedIdentifier', identifier: { value: ekUri } }] });

    const second = await order(client, ekUri);
    const stolen = await tpmAttObj(ekUri, other.keyAuthorization(second.challenge.token));
    const res2 = await client.respond(second.challenge.url, stolen.attObj);
    expect(res2.body.status).toBe('invalid');
    expect(res2.body.error.type).toMatch(/badAttestationStatement|unauthorized/);
    expect(await t.db.select().from(devices).where(eq(devices.permanentIdentifier, ekUri))).toHaveLength(0);
  });
});

describe('requests the server refuses', () => {
  it('refuses a bad JWS signature, a replayed nonce, an unknown kid and a url mismatch', async () => {
    const client = await account();
    const newOrderUrl = client.dir!.newOrder;
    const payload = { identifiers: [{ type: 'permanent-identifier', value: 'C02JWS000001' }] };

    const tampered = await client.sign(newOrderUrl, payload);
    tampered.signature = Buffer.from(tampered.signature, 'base64url').reverse().toString('base64url');
    const bad = await client.raw(newOrderUrl, tampered);
    expectProblem(bad, 400, 'malformed');
    expect(bad.body.detail).toMatch(/signature/);

    const other = generateAccountKey('ES256');
    expectProblem(await client.raw(newOrderUrl, await client.sign(newOrderUrl, payload, { key: other })), 400, 'malformed');

    const once = await client.sign(newOrderUrl, payload);
    expect((await client.raw(newOrderUrl, once)).status).toBe(201);
    const replay = await client.raw(newOrderUrl, once);
    expectProblem(replay, 400, 'badNonce');
    expect(replay.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expectProblem(await client.raw(newOrderUrl, await client.sign(newOrderUrl, payload, { header: { nonce: 'never-issued-nonce-0000' } })), 400, 'badNonce');

    const unknownKid = `${server.url}/acme/agents/acct/00000000-0000-4000-8000-000000000000`;
    expectProblem(await client.raw(newOrderUrl, await client.sign(newOrderUrl, payload, { header: { kid: unknownKid } })), 400, 'accountDoesNotExist');
    expectProblem(await client.raw(newOrderUrl, await client.sign(newOrderUrl, payload, { header: { kid: 'https://elsewhere.test/acme/agents/acct/x' } })), 400, 'accountDoesNotExist');
    expectProblem(await client.raw(newOrderUrl, await client.sign(`${server.url}/acme/agents/new-account`, payload)), 401, 'unauthorized');
    expectProblem(await client.raw(newOrderUrl, await client.sign(newOrderUrl, payload, { useJwk: true })), 400, 'malformed');
    expectProblem(await client.raw(newOrderUrl, signJws(client.key, { alg: 'none', nonce: await client.newNonce(), url: newOrderUrl, kid: client.kid }, payload)), 400, 'badSignatureAlgorithm');
  });

  it('answers malformed bodies and wrong methods with problem documents, never 5xx', async () => {
    const client = await account();
    const url = client.dir!.newOrder;
    expectProblem(await client.raw(url, 'not json'), 400, 'malformed');
    expectProblem(await client.raw(url, '{"protected":1}'), 400, 'malformed');
    expectProblem(await client.raw(url, await client.sign(url, {}), 'application/json'), 415, 'malformed');
    expectProblem(await client.raw(url, 'x'.repeat(300 * 1024)), 413, 'malformed');
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(`${server.url}/acme/agents/order/not-a-uuid`, { method: 'POST', headers: { 'content-type': 'application/jose+json' }, body: '{}' })).status).toBe(404);
    expect((await fetch(`${server.url}/acme/agents/nothing`, { method: 'POST' })).status).toBe(404);

    expectProblem(await client.post(url, { identifiers: [{ type: 'dns', value: 'host.example.com' }] }), 400, 'unsupportedIdentifier');
    const two = await client.post(url, { identifiers: [{ type: 'permanent-identifier', value: 'A1' }, { type: 'permanent-identifier', value: 'B2' }] });
    expectProblem(two, 400, 'rejectedIdentifier');
    expectProblem(await client.post(url, { identifiers: [{ type: 'permanent-identifier', value: 'has space' }] }), 400, 'rejectedIdentifier');
    expectProblem(await client.post(url, { identifiers: [] }), 400, 'malformed');
    expectProblem(await client.post(url, { identifiers: [{ type: 'permanent-identifier' }] }), 400, 'malformed');
    expectProblem(await client.post(url, ''), 400, 'malformed');
    expectProblem(await client.newOrder('C02DATES0001', { notAfter: 'tomorrow' }), 400, 'malformed');

    const { order: o, url: orderUrl, challenge } = await order(client, 'C02NOTREADY1');
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expectProblem(await client.finalize(o.finalize, csrFor(key)), 403, 'orderNotReady');
    expectProblem(await client.post(o.finalize, { csr: 'bm90IGEgY3Ny' }), 403, 'orderNotReady');
    expectProblem(await client.post(orderUrl, { anything: true }), 400, 'malformed');

    // Another account may not read or answer this order.
    const intruder = await account();
    expectProblem(await intruder.post(orderUrl, ''), 403, 'unauthorized');
    expectProblem(await intruder.post(challenge.authzUrl, ''), 403, 'unauthorized');
    expectProblem(await intruder.respond(challenge.url, ca.attObj({ serial: 'C02NOTREADY1', token: challenge.token }).attObj), 403, 'unauthorized');
    expectProblem(await intruder.post(client.kid!, ''), 403, 'unauthorized');

    // A ready order with a broken CSR is badCSR.
    expect((await client.respond(challenge.url, ca.attObj({ serial: 'C02NOTREADY1', token: challenge.token }).attObj)).body.status).toBe('valid');
    expectProblem(await client.post(o.finalize, { csr: 'bm90IGEgY3Ny' }), 400, 'badCSR');
    expectProblem(await client.post(o.finalize, { csr: 'bad==' }), 400, 'malformed');

    for (const c of clients) expect(c.statuses.filter((s) => s >= 500)).toEqual([]);
  });

  it('accepts a nonce once even when the same request arrives several times at once', async () => {
    const client = await account();
    const url = client.dir!.newOrder;
    const jws = await client.sign(url, { identifiers: [{ type: 'permanent-identifier', value: 'C02RACE00001' }] });
    const results = await Promise.all(Array.from({ length: 6 }, () => client.raw(url, jws)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 400, 400, 400, 400, 400]);
    expect(results.filter((r) => r.status === 400).every((r) => r.body.type === ERR + 'badNonce')).toBe(true);
  });

  it('prunes expired nonces and never accepts one', async () => {
    await t.db.insert(acmeNonces).values({ value: 'expired-nonce-000000000', expiresAt: new Date(Date.now() - 1000) });
    const client = await account();
    const url = client.dir!.newOrder;
    const res = await client.raw(url, await client.sign(url, { identifiers: [] }, { header: { nonce: 'expired-nonce-000000000' } }));
    expectProblem(res, 400, 'badNonce');
    await t.db.insert(acmeNonces).values({ value: 'expired-nonce-000000000', expiresAt: new Date(Date.now() - 1000) }).onConflictDoNothing();
    await pruneNonces(t.db);
    expect(await t.db.select().from(acmeNonces).where(eq(acmeNonces.value, 'expired-nonce-000000000'))).toHaveLength(0);
  });

  it('deactivates an account: its key can no longer act', async () => {
    const client = await account();
    const res = await client.post(client.kid!, { status: 'deactivated' });
    expect(res.body.status).toBe('deactivated');
    expectProblem(await client.newOrder('C02DEACT0001'), 401, 'unauthorized');
  });
});
