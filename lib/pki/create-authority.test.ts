import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openssl, withFiles } from '@/lib/scep/testdata/tools';
import { createAuthority, type Authority } from './create-authority';
import { parseCertificate } from './parse-certificate';

let authority: Authority;
const now = new Date('2026-01-15T10:00:00Z');
beforeAll(async () => {
  authority = await createAuthority({ name: 'Acme Agents', organization: 'Acme Corp', now });
});

describe('createAuthority', () => {
  it('returns PEM certificates and unencrypted PKCS#8 keys of the right types', () => {
    for (const part of [authority.root, authority.intermediate, authority.ra]) {
      expect(part.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
      expect(part.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      // The private key belongs to the certificate.
      const fromKey = createPublicKey(createPrivateKey(part.privateKeyPem)).export({ format: 'der', type: 'spki' });
      expect(Buffer.from(parseCertificate(part.certificateDer).subjectPublicKeyInfoDer)).toEqual(fromKey);
    }
    const root = createPrivateKey(authority.root.privateKeyPem);
    const inter = createPrivateKey(authority.intermediate.privateKeyPem);
    const ra = createPrivateKey(authority.ra.privateKeyPem);
    expect([root.asymmetricKeyType, root.asymmetricKeyDetails?.namedCurve]).toEqual(['ec', 'prime256v1']);
    expect([inter.asymmetricKeyType, inter.asymmetricKeyDetails?.namedCurve]).toEqual(['ec', 'prime256v1']);
    expect([ra.asymmetricKeyType, ra.asymmetricKeyDetails?.modulusLength]).toEqual(['rsa', 2048]);
  });

  it('chains RA -> intermediate -> root (node:crypto)', () => {
    const root = new X509Certificate(authority.root.certificatePem);
    const inter = new X509Certificate(authority.intermediate.certificatePem);
    const ra = new X509Certificate(authority.ra.certificatePem);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(inter.checkIssued(root) && inter.verify(root.publicKey)).toBe(true);
    expect(ra.checkIssued(inter) && ra.verify(inter.publicKey)).toBe(true);
    expect([root.ca, inter.ca, ra.ca]).toEqual([true, true, false]);
    expect(ra.subject).toBe('CN=Acme Agents SCEP RA\nO=Acme Corp');
    expect(inter.issuer).toBe('CN=Acme Agents Root CA\nO=Acme Corp');
  });

  it('is accepted by openssl with the expected extensions', () => {
    const dir = withFiles({
      'root.pem': authority.root.certificatePem,
      'inter.pem': authority.intermediate.certificatePem,
      'ra.pem': authority.ra.certificatePem,
    });
    const verify = openssl(['verify', '-CAfile', path.join(dir, 'root.pem'), '-untrusted', path.join(dir, 'inter.pem'), path.join(dir, 'ra.pem')]);
    expect(verify.stdout.trim()).toBe(`${path.join(dir, 'ra.pem')}: OK`);

    const rootText = openssl(['x509', '-in', path.join(dir, 'root.pem'), '-noout', '-text']).stdout;
    expect(rootText).toMatch(/Basic Constraints: critical\s+CA:TRUE\n/);
    expect(rootText).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(rootText).toContain('Signature Algorithm: ecdsa-with-SHA256');

    const interText = openssl(['x509', '-in', path.join(dir, 'inter.pem'), '-noout', '-text']).stdout;
    expect(interText).toMatch(/CA:TRUE, pathlen:0/);
    expect(interText).toMatch(/X509v3 Authority Key Identifier/);

    const raText = openssl(['x509', '-in', path.join(dir, 'ra.pem'), '-noout', '-text']).stdout;
    expect(raText).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(raText).toMatch(/CA:FALSE/);
    expect(raText).toContain('Public-Key: (2048 bit)');
    // RA usable for CMS: openssl's S/MIME signing purpose check passes.
    const purpose = openssl(['x509', '-in', path.join(dir, 'ra.pem'), '-noout', '-purpose']).stdout;
    expect(purpose).toContain('S/MIME signing : Yes');
  });

  it('nests validity periods, backdated a little for slow device clocks', () => {
    const root = parseCertificate(authority.root.certificateDer);
    const inter = parseCertificate(authority.intermediate.certificateDer);
    const ra = parseCertificate(authority.ra.certificateDer);
    expect(root.notBefore.getTime()).toBe(now.getTime() - 5 * 60_000);
    expect(root.notAfter.getUTCFullYear()).toBe(2046);
    expect(inter.notAfter.getTime()).toBeLessThanOrEqual(root.notAfter.getTime());
    expect(ra.notAfter.getTime()).toBeLessThanOrEqual(inter.notAfter.getTime());
    expect(ra.notAfter.getUTCFullYear()).toBe(2031);
    expect(authority.ra.notAfter.getTime()).toBe(ra.notAfter.getTime());
  });

  it('uses random positive 16-byte serials and key identifiers that link the chain', () => {
    const certs = [authority.root, authority.intermediate, authority.ra].map((c) => parseCertificate(c.certificateDer));
    const serials = new Set(certs.map((c) => c.serialNumberHex));
    expect(serials.size).toBe(3);
    for (const c of certs) {
      expect(c.serialNumber.length).toBe(16);
      expect(c.serialNumber[0] & 0x80).toBe(0);
      expect(c.subjectKeyIdentifier?.length).toBe(20);
    }
    const aki = (i: number) => Buffer.from(certs[i].extensions.find((e) => e.oid === '2.5.29.35')!.value).toString('hex');
    expect(aki(1)).toContain(Buffer.from(certs[0].subjectKeyIdentifier!).toString('hex'));
    expect(aki(2)).toContain(Buffer.from(certs[1].subjectKeyIdentifier!).toString('hex'));
    expect(new X509Certificate(authority.root.certificateDer).serialNumber.toLowerCase()).toBe(certs[0].serialNumberHex);
  });
});
