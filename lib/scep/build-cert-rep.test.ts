import fs from 'node:fs';
import path from 'node:path';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuthority, type Authority } from '@/lib/pki/create-authority';
import { readConstructed, readDer, readSequence } from '@/lib/pki/der-reader';
import { sortDer } from '@/lib/pki/der-writer';
import { issueCertificate } from '@/lib/pki/issue-certificate';
import { OID } from '@/lib/pki/oids';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { toPem } from '@/lib/pki/pem';
import { buildCertRep } from './build-cert-rep';
import type { ContentCipher } from './content-cipher';
import { openEnvelopedData } from './open-enveloped-data';
import { parsePkiMessage, type ScepRequest } from './parse-pki-message';
import { readSignedData } from './read-signed-data';
import type { KeyTransport } from './rsa-pkcs1-unpad';
import { FailInfo } from './scep-types';
import { buildPkiRequest, createClientIdentity, readCertRep, type ClientIdentity } from './testdata/scep-test-client';
import { openssl, withFiles } from './testdata/tools';

let authority: Authority;
let ra: ParsedCertificate;
let client: ClientIdentity;
let signer: { certificate: ParsedCertificate; privateKey: string; chain: Uint8Array[] };

beforeAll(async () => {
  authority = await createAuthority({ name: 'CertRep Test' });
  ra = parseCertificate(authority.ra.certificateDer);
  signer = { certificate: ra, privateKey: authority.ra.privateKeyPem, chain: [authority.intermediate.certificateDer] };
  client = createClientIdentity({ challenge: 'pw', commonName: 'certrep-device' });
});

function request(options: { cipher?: ContentCipher; digest?: 'sha1' | 'sha256' | 'sha512'; keyTransport?: KeyTransport; transactionId?: string } = {}): ScepRequest {
  return parsePkiMessage(buildPkiRequest({ identity: client, recipient: ra, ...options }), signer);
}

function issueFor(req: ScepRequest) {
  return issueCertificate({
    csr: req.csr,
    issuerCertificate: authority.intermediate.certificateDer,
    issuerPrivateKey: authority.intermediate.privateKeyPem,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
  });
}

function success(req: ScepRequest, extra: { contentCipher?: ContentCipher } = {}) {
  const issued = issueFor(req);
  const der = buildCertRep({
    status: 'success',
    signer,
    request: req,
    issuedCertificate: issued.certificateDer,
    chain: [authority.intermediate.certificatePem],
    ...extra,
  });
  return { der, issued };
}

/** Signed attributes as received (the [0] IMPLICIT SET), for checks on their encoding. */
function signedAttributeNodes(der: Uint8Array) {
  const [, wrapper] = readSequence(readDer(der), 2, 2);
  const parts = readSequence(readConstructed(wrapper)[0]);
  const signerInfo = readSequence(parts[parts.length - 1].children()[0]);
  return signerInfo[3];
}

describe('buildCertRep SUCCESS', () => {
  it('signs the SCEP attributes and envelopes the issued certificate first, then the chain', () => {
    const req = request({ transactionId: 'tx-success' });
    const { der, issued } = success(req);
    const rep = readCertRep(der, { ra, identity: client });
    expect(rep.check).toBe('valid');
    expect(rep.messageType).toBe('3');
    expect(rep.pkiStatus).toBe('0');
    expect(rep.failInfo).toBeUndefined();
    expect(rep.transactionId).toBe('tx-success');
    expect(rep.recipientNonce).toEqual(req.senderNonce);
    expect(rep.senderNonce.length).toBe(16);
    expect(rep.senderNonce).not.toEqual(req.senderNonce);
    expect(rep.certificates.map((c) => c.serialNumberHex)).toEqual([issued.serialNumberHex, authority.intermediate.serialNumberHex]);
  });

  it('DER-sorts the signed attributes (SET OF) and mirrors the client digest', () => {
    for (const digest of ['sha1', 'sha256', 'sha512'] as const) {
      const { der } = success(request({ digest }));
      const attrs = signedAttributeNodes(der).children();
      expect(attrs.map((a) => Buffer.from(a.bytes).toString('hex'))).toEqual(sortDer(attrs.map((a) => a.bytes)).map((b) => Buffer.from(b).toString('hex')));
      expect(attrs.length).toBe(7); // contentType, messageDigest, messageType, pkiStatus, transactionID, senderNonce, recipientNonce
      expect(readSignedData(der).digest).toBe(digest);
    }
  });

  it.each([
    ['aes-128-cbc', 'sha256', { scheme: 'rsa-pkcs1' }],
    ['aes-256-cbc', 'sha512', { scheme: 'rsa-oaep', hash: 'sha256' }],
    ['des-ede3-cbc', 'sha1', { scheme: 'rsa-pkcs1' }],
    ['des-cbc', 'sha1', { scheme: 'rsa-pkcs1' }],
  ] as const)('verifies and decrypts with openssl cms (%s, %s, %j)', (cipher, digest, keyTransport) => {
    const req = request({ cipher, digest, keyTransport });
    const { der, issued } = success(req);
    const dir = withFiles({
      'rep.der': der,
      'root.pem': authority.root.certificatePem,
      'inter.pem': authority.intermediate.certificatePem,
      'self.pem': toPem(client.certificate.der, 'CERTIFICATE'),
      'key.pem': client.privateKey.export({ format: 'pem', type: 'pkcs8' }),
    });
    const f = (name: string) => path.join(dir, name);
    // Signature and RA path (RA -> intermediate carried in the CertRep -> trusted root).
    const verified = openssl(['cms', '-verify', '-inform', 'DER', '-in', f('rep.der'), '-CAfile', f('root.pem'), '-binary', '-out', f('envelope.der')]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stderr).toContain('Verification successful');
    // The pkcsPKIEnvelope decrypts with the client key (single DES needs the legacy provider).
    const providers = cipher === 'des-cbc' ? ['-provider', 'legacy', '-provider', 'default'] : [];
    const decrypted = openssl(['cms', '-decrypt', ...providers, '-inform', 'DER', '-in', f('envelope.der'), '-recip', f('self.pem'), '-inkey', f('key.pem'), '-binary', '-out', f('certs.p7')]);
    expect(decrypted.code, decrypted.stderr).toBe(0);
    const printed = openssl(['pkcs7', '-inform', 'DER', '-in', f('certs.p7'), '-print_certs', '-noout']);
    expect(printed.stdout).toMatch(/subject=CN = certrep-device[\s\S]*subject=CN = CertRep Test Intermediate CA/);
    // The structure: which algorithms openssl reports for the envelope and the signer.
    const envelopeText = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', f('envelope.der')]).stdout;
    const cipherName = { 'des-cbc': 'des-cbc', 'des-ede3-cbc': 'des-ede3-cbc', 'aes-128-cbc': 'aes-128-cbc', 'aes-256-cbc': 'aes-256-cbc', 'aes-192-cbc': 'aes-192-cbc' }[cipher];
    expect(envelopeText).toContain(`algorithm: ${cipherName}`);
    expect(envelopeText).toContain(keyTransport.scheme === 'rsa-oaep' ? 'rsaesOaep' : 'rsaEncryption');
    expect(fs.readFileSync(f('certs.p7')).length).toBeGreaterThan(issued.certificateDer.length);
  });

  it('is verified by pkijs as well (an independent CMS implementation)', async () => {
    const { der } = success(request({ digest: 'sha256' }));
    const contentInfo = pkijs.ContentInfo.fromBER(new Uint8Array(der));
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    const ok = await signedData.verify({ signer: 0, checkChain: false });
    expect(ok).toBe(true);
    expect(signedData.signerInfos[0].signedAttrs?.attributes.map((a) => a.type)).toContain(OID.scepRecipientNonce);
    // And it notices a broken signature, so the check above means something.
    const broken = Buffer.from(der);
    broken[broken.length - 4] ^= 1;
    const brokenData = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(broken)).content });
    await expect(brokenData.verify({ signer: 0, checkChain: false }).catch(() => false)).resolves.toBe(false);
  });

  it('uses the content cipher the client used, unless told otherwise', () => {
    const req = request({ cipher: 'aes-192-cbc' });
    const opened = (der: Buffer) =>
      openEnvelopedData(readSignedData(der).content!, { certificate: client.certificate, privateKey: client.privateKey });
    expect(opened(success(req).der).cipher).toBe('aes-192-cbc');
    expect(opened(success(req, { contentCipher: 'des-ede3-cbc' }).der).cipher).toBe('des-ede3-cbc');
    expect(opened(success(req).der).keyTransport).toEqual({ scheme: 'rsa-pkcs1' });
  });

  it('needs the request signer certificate to encrypt to', () => {
    expect(() =>
      buildCertRep({ status: 'success', signer, request: { transactionId: 't', senderNonce: Buffer.alloc(16) }, issuedCertificate: authority.ra.certificateDer }),
    ).toThrow(/signer certificate/);
  });
});

describe('buildCertRep FAILURE', () => {
  it.each([FailInfo.badAlg, FailInfo.badMessageCheck, FailInfo.badRequest, FailInfo.badTime, FailInfo.badCertId])(
    'carries pkiStatus 2 and failInfo %i with no envelope',
    (failInfo) => {
      const req = request({ transactionId: 'tx-fail' });
      const der = buildCertRep({ status: 'failure', failInfo, signer, request: req });
      const rep = readCertRep(der, { ra, identity: client });
      expect(rep.check).toBe('valid');
      expect([rep.messageType, rep.pkiStatus, rep.failInfo]).toEqual(['3', '2', String(failInfo)]);
      expect(rep.transactionId).toBe('tx-fail');
      expect(rep.recipientNonce).toEqual(req.senderNonce);
      expect(rep.certificates).toEqual([]);
      expect(readSignedData(der).content?.length).toBe(0);
    },
  );

  it('can be built from a ScepError context alone and verifies with openssl (not detached)', () => {
    const der = buildCertRep({
      status: 'failure',
      failInfo: FailInfo.badMessageCheck,
      signer,
      request: { transactionId: 'from-error', senderNonce: Buffer.alloc(16, 1) },
    });
    const dir = withFiles({ 'rep.der': der, 'ra.pem': authority.ra.certificatePem });
    const verified = openssl(['cms', '-verify', '-noverify', '-inform', 'DER', '-in', path.join(dir, 'rep.der'), '-binary', '-out', path.join(dir, 'out')]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(readSignedData(der).digest).toBe('sha256'); // default without a request digest
  });

  it('encodes a non-printable transactionID as UTF8String and round trips it', () => {
    const der = buildCertRep({ status: 'failure', failInfo: FailInfo.badRequest, signer, request: { transactionId: 'id_with*star&ü', senderNonce: Buffer.alloc(16) } });
    expect(readCertRep(der, { ra, identity: client }).transactionId).toBe('id_with*star&ü');
  });
});
