import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCsr } from '@/lib/scep/testdata/scep-test-client';
import { openssl, tempDir, withFiles } from '@/lib/scep/testdata/tools';
import { createAuthority, type Authority } from './create-authority';
import { issueCertificate } from './issue-certificate';
import { parseCertificate } from './parse-certificate';
import { CsrError, parseCsr } from './parse-csr';

let authority: Authority;
let chainDir: string;
beforeAll(async () => {
  authority = await createAuthority({ name: 'Issue Test' });
  chainDir = withFiles({ 'root.pem': authority.root.certificatePem, 'inter.pem': authority.intermediate.certificatePem });
});

function opensslCsr(newkey: string[], subject: string, extensions: string[] = []): Buffer {
  const dir = tempDir();
  const out = path.join(dir, 'csr.der');
  const args = ['req', '-new', '-utf8', ...newkey, '-nodes', '-keyout', path.join(dir, 'key.pem'), '-subj', subject, '-outform', 'DER', '-out', out];
  for (const ext of extensions) args.push('-addext', ext);
  const result = openssl(args);
  if (result.code !== 0) throw new Error(result.stderr);
  return fs.readFileSync(out);
}

const notBefore = new Date(Date.now() - 60_000);
const notAfter = new Date(Date.now() + 90 * 86_400_000);

function issue(csr: Uint8Array, extra: Partial<Parameters<typeof issueCertificate>[0]> = {}) {
  return issueCertificate({
    csr,
    issuerCertificate: authority.intermediate.certificatePem,
    issuerPrivateKey: authority.intermediate.privateKeyPem,
    notBefore,
    notAfter,
    ...extra,
  });
}

function text(pem: string): string {
  const dir = withFiles({ 'leaf.pem': pem });
  return openssl(['x509', '-in', path.join(dir, 'leaf.pem'), '-noout', '-text']).stdout;
}

function verify(pem: string, purpose?: string) {
  const dir = withFiles({ 'leaf.pem': pem });
  return openssl([
    'verify', ...(purpose ? ['-purpose', purpose] : []),
    '-CAfile', path.join(chainDir, 'root.pem'), '-untrusted', path.join(chainDir, 'inter.pem'), path.join(dir, 'leaf.pem'),
  ]);
}

describe('issueCertificate', () => {
  it('issues an RSA client certificate that openssl verifies against root + intermediate', () => {
    const csr = opensslCsr(['-newkey', 'rsa:2048'], '/CN=laptop-7/O=Example', ['subjectAltName=DNS:laptop-7.example.com,IP:192.0.2.7']);
    const issued = issue(csr);
    const result = verify(issued.certificatePem, 'sslclient');
    expect(result.stdout.trim()).toMatch(/: OK$/);
    expect(result.code).toBe(0);

    const t = text(issued.certificatePem);
    expect(t).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    expect(t).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication\n/);
    expect(t).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(t).toMatch(/X509v3 Subject Alternative Name:\s+DNS:laptop-7.example.com, IP Address:192.0.2.7/);
    expect(t).toContain('X509v3 Subject Key Identifier');
    expect(t).toContain('Signature Algorithm: ecdsa-with-SHA256');
  });

  it('copies subject and key byte for byte and links AKI to the intermediate', () => {
    const csrDer = opensslCsr(['-newkey', 'rsa:2048'], '/CN=Zoë/O=Exämple');
    const csr = parseCsr(csrDer);
    const issued = issue(csrDer);
    const cert = parseCertificate(issued.certificateDer);
    expect(Buffer.from(cert.subjectDer)).toEqual(Buffer.from(csr.subjectDer));
    expect(Buffer.from(cert.subjectPublicKeyInfoDer)).toEqual(Buffer.from(csr.subjectPublicKeyInfoDer));
    expect(cert.subject).toBe('O=Exämple,CN=Zoë');
    expect(issued.subject).toBe(cert.subject);
    const inter = parseCertificate(authority.intermediate.certificateDer);
    expect(Buffer.from(cert.issuerDer)).toEqual(Buffer.from(inter.subjectDer));
    const aki = cert.extensions.find((e) => e.oid === '2.5.29.35')!;
    expect(Buffer.from(aki.value).toString('hex')).toBe('30168014' + Buffer.from(inter.subjectKeyIdentifier!).toString('hex'));
    expect(new X509Certificate(issued.certificateDer).verify(new X509Certificate(authority.intermediate.certificateDer).publicKey)).toBe(true);
  });

  it('uses random, positive, 16-byte serials and the given validity', () => {
    const csr = opensslCsr(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/CN=phone');
    const a = issue(csr);
    const b = issue(csr);
    expect(a.serialNumberHex).not.toBe(b.serialNumberHex);
    const cert = parseCertificate(a.certificateDer);
    expect(cert.serialNumber.length).toBe(16);
    expect(cert.serialNumber[0] & 0x80).toBe(0);
    expect(cert.serialNumberHex).toBe(a.serialNumberHex);
    expect(cert.notBefore.getTime()).toBe(Math.floor(notBefore.getTime() / 1000) * 1000);
    expect(cert.notAfter.getTime()).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
    expect(a.notAfter.getTime()).toBe(cert.notAfter.getTime());
  });

  it('gives EC keys digitalSignature only', () => {
    const issued = issue(opensslCsr(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], '/CN=ec-device'));
    expect(text(issued.certificatePem)).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(verify(issued.certificatePem, 'sslclient').code).toBe(0);
  });

  it('ignores extensions the client asks for besides subjectAltName', () => {
    const csr = opensslCsr(['-newkey', 'rsa:2048'], '/CN=sneaky', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign']);
    const t = text(issue(csr).certificatePem);
    expect(t).toMatch(/CA:FALSE/);
    expect(t).not.toContain('Certificate Sign');
  });

  it('marks subjectAltName critical when the subject is empty, and refuses a CSR with neither', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const withSan = buildCsr({ key: privateKey, publicKey, subject: [], dnsNames: ['only-san.example'] });
    const t = text(issue(withSan).certificatePem);
    expect(t).toMatch(/X509v3 Subject Alternative Name: critical\s+DNS:only-san.example/);
    const neither = buildCsr({ key: privateKey, publicKey, subject: [] });
    expect(() => issue(neither)).toThrow(CsrError);
  });

  it('adds CRL distribution points when given', () => {
    const csr = opensslCsr(['-newkey', 'rsa:2048'], '/CN=crl');
    const t = text(issue(csr, { crlUrls: ['http://tessera.example/crl/agents.crl'] }).certificatePem);
    expect(t).toMatch(/X509v3 CRL Distribution Points:\s+Full Name:\s+URI:http:\/\/tessera.example\/crl\/agents.crl/);
  });

  it('does not let a leaf outlive its issuer', () => {
    const csr = opensslCsr(['-newkey', 'rsa:2048'], '/CN=long');
    const issued = issue(csr, { notAfter: new Date(Date.now() + 100 * 365 * 86_400_000) });
    expect(issued.notAfter.getTime()).toBe(parseCertificate(authority.intermediate.certificateDer).notAfter.getTime());
  });

  it('refuses weak RSA keys, bad CSR signatures and unsupported curves', () => {
    const weak = opensslCsr(['-newkey', 'rsa:1024'], '/CN=weak');
    expect(() => issue(weak)).toThrow(expect.objectContaining({ code: 'weak-key' }));
    expect(issue(weak, { minimumRsaBits: 1024 }).certificateDer.length).toBeGreaterThan(0);

    const tampered = opensslCsr(['-newkey', 'rsa:2048'], '/CN=tampered');
    tampered[tampered.length - 2] ^= 1;
    expect(() => issue(tampered)).toThrow(expect.objectContaining({ code: 'bad-signature' }));

    const k1 = opensslCsr(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1'], '/CN=k1');
    expect(() => issue(k1)).toThrow(expect.objectContaining({ code: 'unsupported-key' }));
  });
});
