// lib/tpm against a real (software) TPM: swtpm + tpm2-tools. Our MakeCredential must open with
// tpm2_activatecredential for the right EK and AK only, for RSA, P-256 and P-384 EKs; TPM2_Certify
// output must verify with verifyCertify; EK certificates must name the EK the TPM reports.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '@/lib/pki/parse-certificate';
import { TPM_ALG, TPM_ST_ATTEST } from '@/lib/tpm/constants';
import { certificateFromNv, defaultEkPublicArea, ekCertificatePublicKey, ekUriOf, tpmDeviceInfo } from '@/lib/tpm/ek';
import { encodeTpm2ToolsCredential, makeCredential } from '@/lib/tpm/make-credential';
import { objectName, parsePublicArea, publicKeyOf } from '@/lib/tpm/public-area';
import { verifyCertify } from '@/lib/tpm/verify-certify';
import { verifyCertificateChain } from '@/lib/tpm/certificate-chain';
import { softwareEk } from '@/lib/tpm/testdata/software-keys';
import { EK_HANDLES, haveSwtpm, SoftwareTpm } from '../helpers/swtpm';

describe.skipIf(!haveSwtpm)('TPM credential activation with swtpm', () => {
  let tpm: SoftwareTpm;
  let other: SoftwareTpm;
  let rsaEk: { ctx: string; publicArea: Buffer };
  let ak: Awaited<ReturnType<SoftwareTpm['createAk']>>;

  beforeAll(async () => {
    [tpm, other] = await Promise.all([SoftwareTpm.start({ ekCertificates: true }), SoftwareTpm.start()]);
    rsaEk = await tpm.createEk('rsa');
    ak = await tpm.createAk(rsaEk.ctx, 0x81000010);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([tpm?.stop(), other?.stop()]);
  });

  const credentialFor = (ekPublic: Uint8Array, akName: Uint8Array, secret: Buffer) =>
    encodeTpm2ToolsCredential(makeCredential({ ekPublic: parsePublicArea(ekPublic), akName, credential: secret }));

  it('the AK name tpm2_createak reports is nameAlg || SHA-256(TPMT_PUBLIC)', () => {
    expect(objectName(parsePublicArea(ak.publicArea))).toEqual(ak.name);
  });

  it('tpm2_activatecredential recovers the secret of our MakeCredential (RSA 2048 EK)', async () => {
    const secret = randomBytes(32);
    const r = await tpm.activateCredential(ak.ctx, rsaEk.ctx, credentialFor(rsaEk.publicArea, ak.name, secret));
    expect(r.code, r.stderr).toBe(0);
    expect(r.secret).toEqual(secret);
  });

  it('refuses a credential made for another AK name', async () => {
    const otherAk = await tpm.createAk(rsaEk.ctx, 0x81000011);
    const r = await tpm.activateCredential(ak.ctx, rsaEk.ctx, credentialFor(rsaEk.publicArea, otherAk.name, randomBytes(32)));
    expect(r.code).not.toBe(0);
    expect(r.secret).toBeUndefined();
  });

  it('refuses a credential made for another EK (another TPM, or a software key)', async () => {
    const otherEk = await other.createEk('rsa');
    const r1 = await tpm.activateCredential(ak.ctx, rsaEk.ctx, credentialFor(otherEk.publicArea, ak.name, randomBytes(32)));
    expect(r1.code).not.toBe(0);
    const soft = softwareEk('rsa');
    const r2 = await tpm.activateCredential(ak.ctx, rsaEk.ctx, encodeTpm2ToolsCredential(makeCredential({ ekPublic: soft.area, akName: ak.name, credential: randomBytes(32) })));
    expect(r2.code).not.toBe(0);
  });

  it('refuses to activate for a public-only AK (TPM2_LoadExternal of a software key claiming AK attributes)', async () => {
    const soft = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const external = await tpm.loadExternalAk(soft.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const area = parsePublicArea(external.publicArea);
    expect(objectName(area)).toEqual(external.name);
    const r = await tpm.activateCredential(external.ctx, rsaEk.ctx, credentialFor(rsaEk.publicArea, external.name, randomBytes(32)));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/0x12F|authValue or authPolicy is not available/); // TPM_RC_AUTH_UNAVAILABLE
    expect(r.secret).toBeUndefined();
  });

  it('works with an ECC P-256 EK (KDFe secret sharing)', async () => {
    const ek = await tpm.createEk('ecc');
    const eccAk = await tpm.createAk(ek.ctx, 0x81000012, 'ecc');
    const secret = randomBytes(32);
    const r = await tpm.activateCredential(eccAk.ctx, ek.ctx, credentialFor(ek.publicArea, eccAk.name, secret));
    expect(r.code, r.stderr).toBe(0);
    expect(r.secret).toEqual(secret);
  });

  it("works with swtpm's persistent ECC P-384 EK (SHA-384, AES-256) and its certificate names that key", async () => {
    const ekPublic = await tpm.readPublic(EK_HANDLES.ecc384, 'ek384');
    const area = parsePublicArea(ekPublic);
    expect(area.kind === 'ecc' && area.nameAlg === TPM_ALG.SHA384 && area.symmetric.keyBits === 256).toBe(true);
    const p384Ak = await tpm.createAk(`0x${EK_HANDLES.ecc384.toString(16)}`, 0x81000013);
    const secret = randomBytes(48);
    const r = await tpm.activateCredential(p384Ak.ctx, `0x${EK_HANDLES.ecc384.toString(16)}`, credentialFor(ekPublic, p384Ak.name, secret), 'password');
    expect(r.code, r.stderr).toBe(0);
    expect(r.secret).toEqual(secret);

    const cert = parseCertificate(certificateFromNv((await tpm.ekCertificate('ecc384'))!));
    expect(ekUriOf(ekCertificatePublicKey(cert))).toBe(ekUriOf(publicKeyOf(area)));
    // The default high-range template agrees on what MakeCredential needs.
    const template = defaultEkPublicArea(ekCertificatePublicKey(cert));
    expect(template.nameAlg).toBe(area.nameAlg);
    expect(template.kind === 'ecc' && template.symmetric).toEqual(area.kind === 'ecc' && area.symmetric);
  });

  it('the RSA EK certificate chains to swtpm-localca, names the EK, and the L-1 template rebuilds the EK exactly', async () => {
    // NV indices are often larger than the certificate: the DER is followed by padding.
    const nv = (await tpm.ekCertificate('rsa'))!;
    const der = certificateFromNv(nv);
    expect(der.length).toBeLessThanOrEqual(nv.length);
    const cert = parseCertificate(der);
    const key = ekCertificatePublicKey(cert);
    expect(ekUriOf(key)).toBe(ekUriOf(publicKeyOf(parsePublicArea(rsaEk.publicArea))));
    expect(objectName(defaultEkPublicArea(key))).toEqual(objectName(parsePublicArea(rsaEk.publicArea)));
    expect(tpmDeviceInfo(cert)).toEqual({ manufacturer: 'id:00001014', model: 'swtpm', version: 'id:20191023' });
    const chain = verifyCertificateChain({ leaf: cert, intermediates: [parseCertificate(tpm.localCa!.issuerPem)], anchors: [parseCertificate(tpm.localCa!.rootPem)] });
    expect(chain.path.length).toBe(3);
    expect(() => verifyCertificateChain({ leaf: cert, anchors: [parseCertificate(tpm.localCa!.rootPem)] })).toThrow(/no trusted issuer/);
  });

  it('TPM2_Certify (raw, via tpm2_send) verifies with verifyCertify; a changed nonce, key or signature does not', async () => {
    const key = await tpm.createSigningKey(0x81000020, 'ecc256');
    const nonce = randomBytes(32);
    const { certInfo, sig } = await tpm.certify(0x81000020, ak.handle, nonce);
    const ok = verifyCertify({ certInfo, sig, akPublic: ak.publicArea, expectedExtraData: nonce, attestedPublic: key.publicArea });
    expect(ok.attest.type).toBe(TPM_ST_ATTEST.CERTIFY);
    expect(ok.attestedName).toEqual(objectName(parsePublicArea(key.publicArea)));

    expect(() => verifyCertify({ certInfo, sig, akPublic: ak.publicArea, expectedExtraData: randomBytes(32), attestedPublic: key.publicArea })).toThrow(/extraData/);
    const otherKey = await tpm.createSigningKey(0x81000021, 'rsa2048');
    expect(() => verifyCertify({ certInfo, sig, akPublic: ak.publicArea, expectedExtraData: nonce, attestedPublic: otherKey.publicArea })).toThrow(/name mismatch/);
    const tampered = Buffer.from(certInfo);
    tampered[tampered.length - 20] ^= 1; // inside firmwareVersion/clock: still parses, signature breaks
    expect(() => verifyCertify({ certInfo: tampered, sig, akPublic: ak.publicArea, expectedExtraData: nonce, attestedPublic: key.publicArea })).toThrow(/signature/);
    const notAk = await tpm.createAk(rsaEk.ctx, 0x81000014);
    expect(() => verifyCertify({ certInfo, sig, akPublic: notAk.publicArea, expectedExtraData: nonce, attestedPublic: key.publicArea })).toThrow(/signature/);
  });
});
