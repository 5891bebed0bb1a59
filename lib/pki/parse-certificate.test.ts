import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mutate, prng } from '@/lib/scep/testdata/prng';
import { openssl, tempDir } from '@/lib/scep/testdata/tools';
import { CertificateError, parseCertificate } from './parse-certificate';

function opensslCert(): Buffer {
  const dir = tempDir();
  const r = openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-subj', '/C=US/O=Peer Org/CN=peer.example',
    '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-outform', 'DER', '-out', path.join(dir, 'c.der')]);
  if (r.code !== 0) throw new Error(r.stderr);
  return fs.readFileSync(path.join(dir, 'c.der'));
}

describe('parseCertificate', () => {
  it('agrees with node:crypto on an openssl certificate', () => {
    const der = opensslCert();
    const ours = parseCertificate(der);
    const node = new X509Certificate(der);
    expect(ours.serialNumberHex).toBe(node.serialNumber.toLowerCase().replace(/^(00)+(?=..)/, ''));
    expect(ours.subject).toBe('CN=peer.example,O=Peer Org,C=US');
    expect(ours.issuer).toBe(ours.subject);
    expect(ours.notBefore.getTime()).toBe(new Date(node.validFrom).getTime());
    expect(ours.notAfter.getTime()).toBe(new Date(node.validTo).getTime());
    expect(ours.isCa).toBe(true);
    expect(ours.version).toBe(3);
    expect(ours.publicKey().asymmetricKeyType).toBe('rsa');
    expect(ours.subjectKeyIdentifier?.length).toBe(20);
  });

  it('turns truncation and random mutations into CertificateError only', () => {
    const der = opensslCert();
    for (let cut = 0; cut < der.length; cut += 5) expect(() => parseCertificate(der.subarray(0, cut))).toThrow(CertificateError);
    const random = prng(7);
    for (let i = 0; i < 2000; i++) {
      try {
        const cert = parseCertificate(mutate(der, random));
        cert.publicKey();
      } catch (err) {
        if (!(err instanceof CertificateError)) throw new Error(`iteration ${i}: ${(err as Error).stack}`);
      }
    }
  });
});
