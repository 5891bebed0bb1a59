// The TPM attestation CA end to end, through the real route handlers over HTTP, with swtpm and
// tpm2-tools as the device: EK certificate chains, the EK-without-certificate policy, MakeCredential
// opened by tpm2_activatecredential, AK certificates checked by openssl and by the ACME "tpm"
// verifier, and the refusals (replay, wrong secret, expiry, unknown EK CA, bad input).
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as challengeRoute from '@/app/attestation/v1/ak-challenge/route';
import * as activateRoute from '@/app/attestation/v1/ak-activate/route';
import * as rootRoute from '@/app/attestation/v1/root/route';
import { akActivationSessions, auditLog } from '@/server/db/schema';
import { verifyTpmAttestation } from '@/lib/attestation/tpm';
import { parseCertificate } from '@/lib/pki/parse-certificate';
import { pemBlocks } from '@/lib/pki/pem';
import { parsePublicArea, publicKeyOf } from '@/lib/tpm/public-area';
import { ekUriOf } from '@/lib/tpm/ek';
import { createDevice } from '@/server/services/devices/create-device';
import { addEkRoot } from '@/server/services/attestation/ek-roots';
import { updateAttestationSettings } from '@/server/services/attestation/attestation-settings';
import { getTrustedAkRoots } from '@/server/services/attestation/get-trusted-ak-roots';
import { activateAk } from '@/server/services/attestation/activate-ak';
import { requestAkChallenge } from '@/server/services/attestation/request-ak-challenge';
import { installTestDb, type TestDb } from '../helpers/db';
import { seedTeam } from '../helpers/fixtures';
import { serveRoutes } from '../helpers/http-server';
import { EK_HANDLES, haveSwtpm, SoftwareTpm } from '../helpers/swtpm';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const RSA_EK = `0x${EK_HANDLES.rsa.toString(16)}`;
const P384_EK = `0x${EK_HANDLES.ecc384.toString(16)}`;

describe.skipIf(!haveSwtpm)('TPM attestation CA over HTTP with swtpm', () => {
  let t: TestDb;
  let seed: Awaited<ReturnType<typeof seedTeam>>;
  let server: { url: string; close: () => Promise<void> };
  let vendor: SoftwareTpm; // EK certificate from a CA the admin trusts
  let foreign: SoftwareTpm; // EK certificate from an unknown CA
  let bare: SoftwareTpm; // no EK certificate at all
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsr-attest-it-'));

  beforeAll(async () => {
    t = await installTestDb();
    seed = await seedTeam(t.db);
    [vendor, foreign, bare] = await Promise.all([SoftwareTpm.start({ ekCertificates: true }), SoftwareTpm.start({ ekCertificates: true }), SoftwareTpm.start()]);
    server = await serveRoutes([
      { pattern: /^\/attestation\/v1\/ak-challenge$/, methods: { POST: challengeRoute.POST } },
      { pattern: /^\/attestation\/v1\/ak-activate$/, methods: { POST: activateRoute.POST } },
      { pattern: /^\/attestation\/v1\/root$/, methods: { GET: rootRoute.GET } },
    ]);
    // The admin trusts the vendor TPM's manufacturer root (swtpm-localca's root CA).
    await addEkRoot(t.db, seed.ownerActor, { name: 'swtpm-localca (tests)', pem: vendor.localCa!.rootPem });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await Promise.all([vendor?.stop(), foreign?.stop(), bare?.stop()]);
    await t?.destroy();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const post = async (route: 'ak-challenge' | 'ak-activate', body: unknown) => {
    const res = await fetch(`${server.url}/attestation/v1/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const issuerDer = () => pemBlocks(vendor.localCa!.issuerPem, 'CERTIFICATE')[0];

  /** The whole exchange for an AK of `tpm`: challenge, tpm2_activatecredential, activate. */
  async function enroll(tpm: SoftwareTpm, opts: { ek: string; akHandle: number; challenge: Record<string, unknown>; ekAuth?: 'policy' | 'password' }) {
    const ak = await tpm.createAk(opts.ek, opts.akHandle);
    const challenge = await post('ak-challenge', { ...opts.challenge, akPublic: b64(ak.publicArea) });
    if (challenge.status !== 200) return { ak, challenge };
    const activation = await tpm.activateCredential(ak.ctx, opts.ek, Buffer.from(challenge.body.tpm2ToolsCredential as string, 'base64'), opts.ekAuth);
    expect(activation.code, activation.stderr).toBe(0);
    const activated = await post('ak-activate', { sessionId: challenge.body.sessionId, secret: b64(activation.secret!) });
    return { ak, challenge, secret: activation.secret!, activated };
  }

  it('issues an AK certificate for a TPM whose EK certificate chains to an added root; openssl verifies it', async () => {
    const ekPublic = await vendor.readPublic(EK_HANDLES.rsa, 'ek-rsa');
    const ekUri = ekUriOf(publicKeyOf(parsePublicArea(ekPublic)));
    const { challenge, activated } = await enroll(vendor, {
      ek: RSA_EK,
      akHandle: 0x81000010,
      challenge: { ekCertificate: b64((await vendor.ekCertificate('rsa'))!), ekCertificateChain: [b64(issuerDer())], ekPublic: b64(ekPublic) },
    });
    expect(challenge.status).toBe(200);
    expect(challenge.body).toMatchObject({ ekUri, sessionId: expect.any(String), credentialBlob: expect.any(String), encryptedSecret: expect.any(String) });
    expect(activated!.status, JSON.stringify(activated!.body)).toBe(200);
    expect(activated!.body).toMatchObject({ ekUri, x5c: [expect.any(String), expect.any(String)] });

    // openssl: the chain verifies to the root served at /attestation/v1/root; the SAN carries the EK URI.
    const root = await (await fetch(`${server.url}/attestation/v1/root`)).text();
    fs.writeFileSync(path.join(work, 'root.pem'), root);
    fs.writeFileSync(path.join(work, 'chain.pem'), activated!.body.chainPem as string);
    fs.writeFileSync(path.join(work, 'leaf.pem'), activated!.body.certificatePem as string);
    const verify = execFileSync('openssl', ['verify', '-CAfile', path.join(work, 'root.pem'), '-untrusted', path.join(work, 'chain.pem'), path.join(work, 'leaf.pem')]).toString();
    expect(verify).toMatch(/leaf\.pem: OK/);
    const text = execFileSync('openssl', ['x509', '-in', path.join(work, 'leaf.pem'), '-noout', '-text']).toString();
    expect(text).toContain(`URI:${ekUri}`);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s*\n\s*2\.23\.133\.8\.3/);
    expect(text).toMatch(/Digital Signature/);
    expect(text).toMatch(/DirName:.*swtpm/);
    const leaf = parseCertificate(activated!.body.certificatePem as string);
    expect(leaf.subject).toBe('');
    expect((leaf.notAfter.getTime() - Date.now()) / 86_400_000).toBeGreaterThan(29);

    // Both steps are audited, with the device (its EK URI) as the actor.
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.targetId, ekUri));
    expect(audit.map((a) => a.action).sort()).toEqual(['attestation.ak_certificate.issue', 'attestation.ak_challenge']);
    expect(audit.every((a) => a.actorType === 'device' && a.actorLabel === ekUri)).toBe(true);
    // Only a digest of the secret is stored.
    const [session] = await t.db.select().from(akActivationSessions).where(eq(akActivationSessions.id, challenge.body.sessionId as string));
    expect(session.secretSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(session.usedAt).not.toBeNull();
  });

  it('the AK certificate works for device-attest-01: a TPM2_Certify over the key authorization verifies', async () => {
    const { activated, ak } = await enroll(vendor, {
      ek: RSA_EK,
      akHandle: 0x81000011,
      challenge: { ekCertificate: b64((await vendor.ekCertificate('rsa'))!), ekCertificateChain: [b64(issuerDer())] },
    });
    expect(activated!.status).toBe(200);
    const device = await vendor.createSigningKey(0x81000020, 'ecc256');
    const keyAuthorization = 'challenge-token.account-thumbprint';
    const { certInfo, sig } = await vendor.certify(0x81000020, ak.handle, createHash('sha256').update(keyAuthorization).digest());
    const attStmt = {
      ver: '2.0',
      alg: -257,
      x5c: (activated!.body.x5c as string[]).map((c) => Buffer.from(c, 'base64')),
      sig,
      certInfo,
      pubArea: parsePublicArea(device.publicArea).bytes,
    };
    const result = verifyTpmAttestation({ attStmt, keyAuthorization, trustedAkRoots: await getTrustedAkRoots(t.db) });
    expect(result.ekUri).toBe(activated!.body.ekUri);
  });

  it('works with an ECC P-384 EK and its certificate (swtpm persistent EK, SHA-384 / AES-256)', async () => {
    const { challenge, activated } = await enroll(vendor, {
      ek: P384_EK,
      akHandle: 0x81000012,
      ekAuth: 'password',
      challenge: { ekCertificate: b64((await vendor.ekCertificate('ecc384'))!), ekCertificateChain: [b64(issuerDer())], ekPublic: b64(await vendor.readPublic(EK_HANDLES.ecc384, 'ek-384')) },
    });
    expect(challenge.status, JSON.stringify(challenge.body)).toBe(200);
    expect(activated!.status).toBe(200);
  });

  it('refuses a replayed secret, a wrong secret, an unknown session and an expired one', async () => {
    const { challenge, secret, activated } = await enroll(vendor, {
      ek: RSA_EK,
      akHandle: 0x81000013,
      challenge: { ekCertificate: b64((await vendor.ekCertificate('rsa'))!), ekCertificateChain: [b64(issuerDer())] },
    });
    expect(activated!.status).toBe(200);
    const replay = await post('ak-activate', { sessionId: challenge.body.sessionId, secret: b64(secret!) });
    expect(replay.status).toBe(409);
    expect(replay.body.message).toMatch(/already answered/);

    // A fresh challenge answered wrongly: refused, counted; the right answer still works after.
    const ak = await vendor.createAk(RSA_EK, 0x81000014);
    const fresh = await post('ak-challenge', { ekCertificate: b64((await vendor.ekCertificate('rsa'))!), ekCertificateChain: [b64(issuerDer())], akPublic: b64(ak.publicArea) });
    const wrong = await post('ak-activate', { sessionId: fresh.body.sessionId, secret: b64(randomBytes(32)) });
    expect(wrong.status).toBe(403);
    expect(wrong.body.message).toMatch(/does not match/);
    const [counted] = await t.db.select().from(akActivationSessions).where(eq(akActivationSessions.id, fresh.body.sessionId as string));
    expect(counted.attempts).toBe(1);
    const right = await vendor.activateCredential(ak.ctx, RSA_EK, Buffer.from(fresh.body.tpm2ToolsCredential as string, 'base64'));
    expect((await post('ak-activate', { sessionId: fresh.body.sessionId, secret: b64(right.secret!) })).status).toBe(200);

    expect((await post('ak-activate', { sessionId: '00000000-0000-4000-8000-000000000000', secret: b64(randomBytes(32)) })).status).toBe(404);

    // Expiry: a challenge made six minutes ago.
    const ekCertificate = (await vendor.ekCertificate('rsa'))!;
    const old = await requestAkChallenge(t.db, { ekCertificate, ekCertificateChain: [issuerDer()], akPublic: ak.publicArea }, { now: new Date(Date.now() - 6 * 60_000) });
    const oldSecret = await vendor.activateCredential(ak.ctx, RSA_EK, Buffer.from(old.tpm2ToolsCredential, 'base64'));
    const expired = await post('ak-activate', { sessionId: old.sessionId, secret: b64(oldSecret.secret!) });
    expect(expired.status).toBe(403);
    expect(expired.body.message).toMatch(/expired/);
    await expect(activateAk(t.db, { sessionId: old.sessionId, secret: oldSecret.secret! })).rejects.toThrow(/expired/);
  });

  it('refuses an EK certificate from an unknown manufacturer CA, and one whose chain is incomplete', async () => {
    const ak = await foreign.createAk(RSA_EK, 0x81000010);
    const res = await post('ak-challenge', {
      ekCertificate: b64((await foreign.ekCertificate('rsa'))!),
      ekCertificateChain: [b64(pemBlocks(foreign.localCa!.issuerPem, 'CERTIFICATE')[0])],
      akPublic: b64(ak.publicArea),
    });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/not issued by a trusted TPM manufacturer/);

    // The vendor's own EK certificate without its intermediate cannot reach the added root.
    const vendorAk = await vendor.createAk(RSA_EK, 0x81000015);
    const noChain = await post('ak-challenge', { ekCertificate: b64((await vendor.ekCertificate('rsa'))!), akPublic: b64(vendorAk.publicArea) });
    expect(noChain.status).toBe(403);
  });

  it('an EK without a certificate: refused unless its device is registered (default), per the team setting', async () => {
    const ek = await bare.createEk('rsa');
    const ekUri = ekUriOf(publicKeyOf(parsePublicArea(ek.publicArea)));
    const challenge = { ekPublic: b64(ek.publicArea) };

    const refused = await enroll(bare, { ek: ek.ctx, akHandle: 0x81000010, challenge });
    expect(refused.challenge.status).toBe(403);
    expect(refused.challenge.body.message).toContain(ekUri);

    await createDevice(t.db, seed.ownerActor, { permanentIdentifier: ekUri, displayName: 'bare TPM' }, 'api');
    const registered = await enroll(bare, { ek: ek.ctx, akHandle: 0x81000011, challenge });
    expect(registered.challenge.status).toBe(200);
    expect(registered.activated!.status).toBe(200);
    expect(registered.activated!.body.ekUri).toBe(ekUri);

    await updateAttestationSettings(t.db, seed.ownerActor, { tpmEkWithoutCertificate: 'deny' });
    const denied = await enroll(bare, { ek: ek.ctx, akHandle: 0x81000012, challenge });
    expect(denied.challenge.status).toBe(403);
    expect(denied.challenge.body.message).toMatch(/requires an EK certificate/);

    // 'allow': any EK, registered or not (an SPKI works as well as a TPM public area).
    await updateAttestationSettings(t.db, seed.ownerActor, { tpmEkWithoutCertificate: 'allow' });
    const other = await foreign.createEk('rsa');
    const spki = publicKeyOf(parsePublicArea(other.publicArea)).export({ type: 'spki', format: 'der' });
    const allowed = await enroll(foreign, { ek: other.ctx, akHandle: 0x81000011, challenge: { ekPublic: b64(spki) } });
    expect(allowed.challenge.status).toBe(200);
    expect(allowed.activated!.status).toBe(200);
    await updateAttestationSettings(t.db, seed.ownerActor, { tpmEkWithoutCertificate: 'registered-only' });
  });

  it('answers bad input with a 400 and a message, never a 5xx', async () => {
    const ak = await vendor.createAk(RSA_EK, 0x81000016);
    const ekCert = b64((await vendor.ekCertificate('rsa'))!);
    const device = await vendor.createSigningKey(0x81000021, 'ecc256');
    const cases: Array<[unknown, RegExp]> = [
      ['{not json', /not valid JSON/],
      [{}, /akPublic/],
      [{ akPublic: 'not base64!' }, /akPublic is not base64/],
      [{ akPublic: b64(randomBytes(40)) }, /akPublic is not a TPM2B_PUBLIC/],
      [{ akPublic: b64(device.publicArea), ekCertificate: ekCert }, /lacks restricted/],
      [{ akPublic: b64(ak.publicArea) }, /Send ekCertificate/],
      [{ akPublic: b64(ak.publicArea), ekCertificate: b64(randomBytes(100)) }, /ekCertificate is not a DER certificate/],
      [{ akPublic: b64(ak.publicArea), ekPublic: b64(ak.publicArea) }, /not an endorsement key/],
      [{ akPublic: b64(ak.publicArea), ekCertificate: ekCert, ekCertificateChain: [b64(issuerDer())], ekPublic: b64((await foreign.createEk('rsa')).publicArea) }, /not the key of ekCertificate/],
      [{ akPublic: b64(ak.publicArea), surprise: 1 }, /unknown field/],
    ];
    for (const [body, message] of cases) {
      const res = await post('ak-challenge', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    for (const body of [{}, { sessionId: 'x', secret: 'AAAA' }, { sessionId: '00000000-0000-4000-8000-000000000000' }, { sessionId: '00000000-0000-4000-8000-000000000000', secret: b64(randomBytes(65)) }]) {
      const res = await post('ak-activate', body);
      expect(res.status).toBe(400);
      expect(typeof res.body.message).toBe('string');
    }
  });
});
