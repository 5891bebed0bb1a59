import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { encode } from 'cborg';
import { describe, expect, it } from 'vitest';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { parseCertificate } from '@/lib/pki/parse-certificate';
import { verifySignature } from '@/lib/pki/verify-signature';
import { createAppleTestCa } from '@/tests/helpers/apple-test-ca';
import { decodeAttestationObject } from './att-object';
import { appleIdentifierMatches, readAppleLeaf, verifyAppleAttestation, verifyAttestationChain } from './apple';
import { APPLE_ENTERPRISE_ATTESTATION_ROOT_CA_PEM, APPLE_ENTERPRISE_ATTESTATION_ROOT_CA_SHA256, appleAttestationRoots } from './apple-roots';
import { AttestationError } from './errors';

const here = path.dirname(new URL(import.meta.url).pathname);

function errorOf(fn: () => unknown): AttestationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AttestationError) return err;
    throw err;
  }
  throw new Error('expected an AttestationError');
}

describe('Apple Enterprise Attestation Root CA', () => {
  it('ships the real root: P-384, self-signed, the published fingerprint, same as the .pem file', () => {
    const root = parseCertificate(APPLE_ENTERPRISE_ATTESTATION_ROOT_CA_PEM);
    expect(root.subject).toBe('C=US,O=Apple Inc.,CN=Apple Enterprise Attestation Root CA');
    expect(root.isCa).toBe(true);
    expect(root.notAfter.toISOString()).toBe('2047-02-20T00:00:00.000Z');
    expect(certificateFingerprint(root.der).hex).toBe(APPLE_ENTERPRISE_ATTESTATION_ROOT_CA_SHA256);
    expect(root.publicKey().asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    const file = fs.readFileSync(path.join(here, 'apple-roots/apple-enterprise-attestation-root-ca.pem'), 'utf8');
    expect(file.trim()).toBe(APPLE_ENTERPRISE_ATTESTATION_ROOT_CA_PEM.trim());
    expect(verifySignature({ algorithm: root.signatureAlgorithm, publicKey: root.publicKey(), data: root.tbs, signature: root.signature })).toBe(true);
    // A CA certificate is never accepted as the attested leaf, not even the root itself.
    expect(errorOf(() => verifyAttestationChain([root.der], [root.der], new Date('2030-01-01'))).message).toMatch(/CA certificate/);
  });

  it('is the only default root; the override replaces it and must hold a certificate', () => {
    expect(appleAttestationRoots()).toHaveLength(1);
    const ca = createAppleTestCa();
    const roots = appleAttestationRoots(ca.rootPem.replace(/\n/g, '\\n'));
    expect(roots).toHaveLength(1);
    expect(roots[0].equals(ca.rootDer)).toBe(true);
    expect(() => appleAttestationRoots('nothing here')).toThrow(/no PEM/);
  });
});

describe('a real Managed Device Attestation leaf', () => {
  // Issued by Apple Enterprise Attestation Sub CA 1 on 2025-07-13 to a Mac (serial TMWFWWWP67); public
  // as the test fixture of brandonweeks/nanoca (attestation/apple). Its intermediate is not
  // public, so the chain is checked only as far as "not anchored" and "expired".
  const leafPem = fs.readFileSync(path.join(here, 'testdata/apple-mda-leaf-tmwfwwwp67.pem'), 'utf8');
  const leaf = parseCertificate(leafPem);

  it('reads serial, UDID, versions and the freshness code from Apple\'s raw extension values', () => {
    expect(leaf.issuer).toBe('C=US,O=Apple Inc.,CN=Apple Enterprise Attestation Sub CA 1');
    const fields = readAppleLeaf(leaf);
    expect(fields.serialNumber).toBe('TMWFWWWP67');
    expect(fields.udid).toBe('00006030-000651690A84001C');
    expect(fields.osVersion).toBe('15.5');
    expect(fields.sepOsVersion).toBe('15.5');
    expect(fields.nonce?.toString('hex')).toBe('9ff219c2831313c8190b63e9dd8f80aa0a4a9737a58daa931da8abde2f2d5d62');
    expect(leaf.publicKey().asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(appleIdentifierMatches({ serialNumber: 'TMWFWWWP67', udid: fields.udid }, '00006030-000651690A84001C')).toBe(true);
  });

  it('is refused: expired, and without its sub CA it does not reach the Apple root', () => {
    const attStmt = { x5c: [new Uint8Array(leaf.der)] };
    const roots = appleAttestationRoots();
    expect(errorOf(() => verifyAppleAttestation({ attStmt, token: 't', trustedRoots: roots })).message).toMatch(/expired/);
    const during = new Date('2025-08-01T00:00:00Z');
    expect(errorOf(() => verifyAppleAttestation({ attStmt, token: 't', trustedRoots: roots, now: during })).message).toMatch(/does not chain/);
  });
});

describe('verifyAppleAttestation with a test Apple CA', () => {
  const ca = createAppleTestCa();
  const roots = [ca.rootPem];
  const token = 'dGhpcy1pcy1hLXRva2VuLW9mLTI1Ni1iaXRzLWZvci10ZXN0cw';
  const attStmtOf = (attObj: string) => decodeAttestationObject(attObj).attStmt;

  it('proves serial, UDID and the leaf key', () => {
    const { attObj, publicKey } = ca.attObj({ serial: 'C02TEST0001', udid: '00008103-0011223344556677', token });
    const result = verifyAppleAttestation({ attStmt: attStmtOf(attObj), token, trustedRoots: roots });
    expect(result.serialNumber).toBe('C02TEST0001');
    expect(result.udid).toBe('00008103-0011223344556677');
    expect(result.attestedPublicKeySpkiDer.equals(publicKey.export({ format: 'der', type: 'spki' }))).toBe(true);
    expect(result.evidence.chain).toHaveLength(3);
    expect(result.evidence.chain[2].sha256).toBe(certificateFingerprint(ca.rootDer).hex);
    expect(result.evidence.attestedKeySha256).toBe(createHash('sha256').update(result.attestedPublicKeySpkiDer).digest('hex'));
    expect(appleIdentifierMatches(result, 'C02TEST0001')).toBe(true);
    expect(appleIdentifierMatches(result, '00008103-0011223344556677')).toBe(true);
    expect(appleIdentifierMatches(result, 'C02OTHER')).toBe(false);
  });

  it('refuses a wrong or missing freshness code, another root, an expired leaf and a leaf without a serial', () => {
    const verify = (attObj: string, trustedRoots: Array<Uint8Array | string> = roots) => errorOf(() => verifyAppleAttestation({ attStmt: attStmtOf(attObj), token, trustedRoots }));
    expect(verify(ca.attObj({ serial: 'C02TEST0001', token: 'another-token' }).attObj).message).toMatch(/not made for this challenge/);
    expect(verify(ca.attObj({ serial: 'C02TEST0001', nonce: null }).attObj).message).toMatch(/no freshness code/);
    expect(verify(ca.attObj({ serial: 'C02TEST0001', token }).attObj, [createAppleTestCa('Other').rootPem]).message).toMatch(/does not chain/);
    expect(verify(ca.attObj({ serial: 'C02TEST0001', token }).attObj, appleAttestationRoots()).message).toMatch(/does not chain/);
    const expired = ca.attObj({ serial: 'C02TEST0001', token, notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    expect(verify(expired.attObj).message).toMatch(/expired/);
    expect(verify(ca.attObj({ token }).attObj).message).toMatch(/serial number/);
    const future = ca.attObj({ serial: 'C02TEST0001', token, notBefore: new Date(Date.now() + 3600_000) });
    expect(verify(future.attObj).message).toMatch(/not valid before/);
    // A leaf issued a minute "in the future" by a clock ahead of ours is still accepted.
    const skewed = ca.attObj({ serial: 'C02TEST0001', token, notBefore: new Date(Date.now() + 60_000) });
    expect(verifyAppleAttestation({ attStmt: attStmtOf(skewed.attObj), token, trustedRoots: roots }).serialNumber).toBe('C02TEST0001');
    for (const e of [verify(ca.attObj({ serial: 'X', token: 'x' }).attObj)]) expect(e.code).toBe('badAttestationStatement');
  });

  it('refuses chains that are out of order, self-made or not certificates', () => {
    const { leafDer } = ca.attObj({ serial: 'C02TEST0001', token });
    const stmt = (x5c: unknown) => ({ x5c });
    const verify = (attStmt: Record<string, unknown>) => errorOf(() => verifyAppleAttestation({ attStmt, token, trustedRoots: roots })).message;
    expect(verify(stmt([new Uint8Array(ca.subDer), new Uint8Array(leafDer)]))).toMatch(/CA certificate|not signed/);
    expect(verify(stmt([new Uint8Array(leafDer)]))).toMatch(/does not chain/);
    expect(verify(stmt([new Uint8Array([1, 2, 3])]))).toMatch(/not a usable X.509/);
    expect(verify(stmt('x'))).toMatch(/array/);
    expect(verify(stmt([]))).toMatch(/empty/);
    expect(verify({})).toMatch(/no x5c/);
    // A leaf signed by a key of its own with the sub CA's name.
    const rogue = createAppleTestCa();
    const forged = rogue.attObj({ serial: 'C02TEST0001', token });
    expect(verify(stmt([new Uint8Array(forged.leafDer), new Uint8Array(ca.subDer)]))).toMatch(/not signed/);
  });
});

describe('decodeAttestationObject', () => {
  const b64 = (v: unknown) => Buffer.from(encode(v)).toString('base64url');

  it('reads {fmt, attStmt} and ignores authData', () => {
    const obj = decodeAttestationObject(b64({ fmt: 'apple', attStmt: { x5c: [new Uint8Array([1])] }, authData: new Uint8Array() }));
    expect(obj.fmt).toBe('apple');
    expect(obj.attStmt.x5c).toEqual([new Uint8Array([1])]);
  });

  it('says what is wrong with a bad object', () => {
    const err = (text: string) => errorOf(() => decodeAttestationObject(text));
    expect(err('').code).toBe('malformed');
    expect(err('not base64url!').message).toMatch(/base64url/);
    expect(err('A'.repeat(100_000)).message).toMatch(/larger than/);
    expect(err(Buffer.from([0xff, 0x00]).toString('base64url'))).toMatchObject({ code: 'badAttestationStatement', message: expect.stringMatching(/CBOR/) });
    expect(err(b64([1, 2])).message).toMatch(/CBOR map/);
    expect(err(b64({ attStmt: {} })).message).toMatch(/fmt/);
    expect(err(b64({ fmt: 'apple', attStmt: [1] })).message).toMatch(/attStmt/);
    // Maps with a repeated key, and hostile nesting, end in an error rather than a surprise.
    expect(err(Buffer.from('a263666d74616163666d746162', 'hex').toString('base64url')).code).toBe('badAttestationStatement');
    expect(err(Buffer.alloc(40_000, 0x81).toString('base64url')).code).toBe('badAttestationStatement');
  });

  it('bounds the size of what it decodes', () => {
    const big = b64({ fmt: 'tpm', attStmt: { blob: new Uint8Array(70_000) } });
    expect(errorOf(() => decodeAttestationObject(big)).message).toMatch(/larger than 65536/);
  });
});
