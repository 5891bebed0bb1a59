import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCsr } from '@/lib/scep/testdata/scep-test-client';
import { openssl, withFiles } from '@/lib/scep/testdata/tools';
import { createAuthority, type Authority } from './create-authority';
import { createCrl, CrlReason } from './create-crl';
import { issueCertificate } from './issue-certificate';

let authority: Authority;
beforeAll(async () => {
  authority = await createAuthority({ name: 'CRL Test' });
});

const thisUpdate = new Date(Date.now() - 60_000);
const nextUpdate = new Date(Date.now() + 7 * 86_400_000);

function crlFor(revoked: Parameters<typeof createCrl>[0]['revoked'], crlNumber = 42n) {
  return createCrl({
    issuerCertificate: authority.intermediate.certificatePem,
    issuerPrivateKey: authority.intermediate.privateKeyPem,
    revoked,
    crlNumber,
    thisUpdate,
    nextUpdate,
  });
}

function leaf(name: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return issueCertificate({
    csr: buildCsr({ key: privateKey, publicKey, subject: [['CN', name]] }),
    issuerCertificate: authority.intermediate.certificatePem,
    issuerPrivateKey: authority.intermediate.privateKeyPem,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
  });
}

describe('createCrl', () => {
  it('produces a v2 CRL that openssl verifies with the intermediate, with numbers and reasons', () => {
    const { crlPem } = crlFor([
      { serialNumberHex: '0a1b2c', revokedAt: new Date('2026-01-02T03:04:05Z'), reason: CrlReason.keyCompromise },
      { serialNumberHex: '7F:00:01', revokedAt: new Date('2026-01-03T00:00:00Z'), reason: CrlReason.superseded },
      { serialNumberHex: '00ff', revokedAt: new Date('2026-01-04T00:00:00Z'), reason: CrlReason.unspecified },
      { serialNumberHex: '1234', revokedAt: new Date('2026-01-05T00:00:00Z') },
    ]);
    const dir = withFiles({ 'crl.pem': crlPem, 'inter.pem': authority.intermediate.certificatePem });
    const result = openssl(['crl', '-in', path.join(dir, 'crl.pem'), '-CAfile', path.join(dir, 'inter.pem'), '-verify', '-noout', '-text']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr + result.stdout).toContain('verify OK');
    const t = result.stdout;
    expect(t).toContain('Version 2 (0x1)');
    expect(t).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(t).toMatch(/X509v3 CRL Number:\s+42\n/);
    expect(t).toContain('X509v3 Authority Key Identifier');
    expect(t).toMatch(/Serial Number: 0A1B2C\s+Revocation Date: Jan  2 03:04:05 2026 GMT\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Key Compromise/);
    expect(t).toMatch(/Serial Number: 7F0001\s+Revocation Date: Jan  3 00:00:00 2026 GMT\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Superseded/);
    // "unspecified" is left out, as RFC 5280 §5.3.1 recommends.
    expect(t).toMatch(/Serial Number: FF\s+Revocation Date: Jan  4 00:00:00 2026 GMT\s+Serial Number: 1234/);
    expect(t.match(/CRL Reason Code/g)?.length).toBe(2);
  });

  it('makes openssl reject a revoked leaf and accept another (verify -crl_check)', () => {
    const revoked = leaf('revoked-device');
    const good = leaf('good-device');
    const { crlPem } = crlFor([{ serialNumberHex: revoked.serialNumberHex, revokedAt: new Date(), reason: CrlReason.cessationOfOperation }]);
    const dir = withFiles({
      'crl.pem': crlPem,
      'root.pem': authority.root.certificatePem,
      'inter.pem': authority.intermediate.certificatePem,
      'revoked.pem': revoked.certificatePem,
      'good.pem': good.certificatePem,
    });
    const check = (file: string) =>
      openssl(['verify', '-crl_check', '-CRLfile', path.join(dir, 'crl.pem'), '-CAfile', path.join(dir, 'root.pem'),
        '-untrusted', path.join(dir, 'inter.pem'), path.join(dir, file)]);
    const bad = check('revoked.pem');
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('certificate revoked');
    expect(check('good.pem').code).toBe(0);
  });

  it('omits the revokedCertificates list when empty and still verifies', () => {
    const { crlDer, crlPem } = crlFor([], 1n);
    expect(crlPem).toMatch(/^-----BEGIN X509 CRL-----\n/);
    const dir = withFiles({ 'crl.der': crlDer, 'inter.pem': authority.intermediate.certificatePem });
    const result = openssl(['crl', '-inform', 'DER', '-in', path.join(dir, 'crl.der'), '-CAfile', path.join(dir, 'inter.pem'), '-verify', '-noout', '-text']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('No Revoked Certificates.');
    expect(fs.existsSync(path.join(dir, 'crl.der'))).toBe(true);
  });

  it('refuses duplicate serials, bad reasons, bad serials and inverted dates', () => {
    const at = new Date();
    expect(() => crlFor([{ serialNumberHex: '0102', revokedAt: at }, { serialNumberHex: '00:01:02', revokedAt: at }])).toThrow(/twice/);
    expect(() => crlFor([{ serialNumberHex: '01', revokedAt: at, reason: 7 as never }])).toThrow(/reason/);
    expect(() => crlFor([{ serialNumberHex: 'xyz', revokedAt: at }])).toThrow(/serial/);
    expect(() =>
      createCrl({
        issuerCertificate: authority.intermediate.certificatePem,
        issuerPrivateKey: authority.intermediate.privateKeyPem,
        revoked: [],
        crlNumber: 1n,
        thisUpdate: nextUpdate,
        nextUpdate: thisUpdate,
      }),
    ).toThrow(/nextUpdate/);
  });
});
