// End-to-end: real SCEP clients (micromdm scepclient, certmonger scep-submit) against a node:http
// server built only from lib/scep and lib/pki, with an in-memory CA.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthority, type Authority } from '@/lib/pki/create-authority';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { parseCertificate } from '@/lib/pki/parse-certificate';
import { toPem } from '@/lib/pki/pem';
import { FailInfo } from './scep-types';
import { buildPkiRequest, createClientIdentity } from './testdata/scep-test-client';
import { startTestScepServer, type TestScepServer } from './testdata/test-scep-server';
import { hasTool, openssl, runAsync, tempDir } from './testdata/tools';

const CHALLENGE = 'C0RRECT-CHALLENGE-0123456789ABCDEF';
const SCEP_SUBMIT = '/usr/lib/certmonger/scep-submit';

let authority: Authority;
let server: TestScepServer;
let chainDir: string;

beforeAll(async () => {
  authority = await createAuthority({ name: 'E2E Agents' });
  server = await startTestScepServer({ authority, challenge: CHALLENGE });
  chainDir = tempDir();
  fs.writeFileSync(path.join(chainDir, 'root.pem'), authority.root.certificatePem);
  fs.writeFileSync(path.join(chainDir, 'inter.pem'), authority.intermediate.certificatePem);
  fs.writeFileSync(path.join(chainDir, 'ra.pem'), authority.ra.certificatePem);
});
afterAll(() => server?.close());

function verifyChain(leafPath: string) {
  return openssl(['verify', '-CAfile', path.join(chainDir, 'root.pem'), '-untrusted', path.join(chainDir, 'inter.pem'), leafPath]);
}

async function scepclient(url: string, dir: string, extra: string[] = []) {
  return runAsync('scepclient', [
    '-server-url', url,
    '-private-key', path.join(dir, 'key.pem'),
    '-cn', 'e2e-device',
    ...extra,
  ]);
}

describe('micromdm scepclient', () => {
  it('enrols over POST with its defaults (DES-CBC, SHA-1) and gets a certificate chaining to the root', async () => {
    expect(hasTool('/usr/bin/scepclient')).toBe(true);
    const dir = tempDir();
    const before = server.observed.length;
    const result = await scepclient(server.url, dir, [
      '-challenge', CHALLENGE,
      // scepclient encrypts to every GetCACert certificate unless told which one is the RA.
      '-ca-fingerprint', certificateFingerprint(authority.ra.certificateDer).hex,
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);

    const op = server.observed.slice(before).find((o) => o.operation === 'PKIOperation')!;
    expect(op.method).toBe('POST');
    expect(op.request?.contentCipher).toBe('des-cbc');
    expect(op.request?.digest).toBe('sha1');
    expect(op.request?.keyTransport).toEqual({ scheme: 'rsa-pkcs1' });
    expect(op.request?.challengePassword).toBe(CHALLENGE);

    const leafPath = path.join(dir, 'client.pem');
    const leaf = parseCertificate(fs.readFileSync(leafPath, 'utf8'));
    expect(leaf.subject).toContain('CN=e2e-device');
    expect(leaf.serialNumberHex).toBe(op.issuedSerial);
    const verified = verifyChain(leafPath);
    expect(verified.stdout + verified.stderr).toContain(': OK');
    expect(verified.code).toBe(0);
  });

  it('enrols over GET when POSTPKIOperation is not advertised (URL-safe base64 message)', async () => {
    const getServer = await startTestScepServer({ authority, challenge: CHALLENGE, caps: 'SHA-1\nDES3\n' });
    try {
      const dir = tempDir();
      const result = await scepclient(getServer.url, dir, [
        '-challenge', CHALLENGE,
        '-ca-fingerprint', certificateFingerprint(authority.ra.certificateDer).hex,
      ]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const op = getServer.observed.find((o) => o.operation === 'PKIOperation')!;
      expect(op.method).toBe('GET');
      expect(op.request?.transactionId).toBeTruthy();
      expect(verifyChain(path.join(dir, 'client.pem')).code).toBe(0);
    } finally {
      await getServer.close();
    }
  });

  it('enrols without -ca-fingerprint when GetCACert returns only the RA certificate', async () => {
    const raOnly = await startTestScepServer({ authority, challenge: CHALLENGE, caCertificates: [authority.ra.certificateDer] });
    try {
      const dir = tempDir();
      const result = await scepclient(raOnly.url, dir, ['-challenge', CHALLENGE]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(verifyChain(path.join(dir, 'client.pem')).code).toBe(0);
    } finally {
      await raOnly.close();
    }
  });

  it('renews with a RenewalReq signed by the certificate it got (authorised by that certificate)', async () => {
    const dir = tempDir();
    const fingerprint = ['-ca-fingerprint', certificateFingerprint(authority.ra.certificateDer).hex];
    const first = await scepclient(server.url, dir, ['-challenge', CHALLENGE, ...fingerprint]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const original = parseCertificate(fs.readFileSync(path.join(dir, 'client.pem'), 'utf8'));

    const before = server.observed.length;
    const renewal = await scepclient(server.url, dir, ['-certificate', path.join(dir, 'client.pem'), ...fingerprint]);
    expect(renewal.code, renewal.stdout + renewal.stderr).toBe(0);
    const op = server.observed.slice(before).find((o) => o.operation === 'PKIOperation')!;
    expect(op.request?.messageType).toBe(17);
    expect(op.request?.signerCertificate.serialNumberHex).toBe(original.serialNumberHex);
    const renewed = parseCertificate(fs.readFileSync(path.join(dir, 'client.pem'), 'utf8'));
    expect(renewed.serialNumberHex).toBe(op.issuedSerial);
    expect(renewed.serialNumberHex).not.toBe(original.serialNumberHex);
    expect(verifyChain(path.join(dir, 'client.pem')).code).toBe(0);
  });

  it('gets a FAILURE CertRep (badRequest) for a wrong challenge and no certificate', async () => {
    const dir = tempDir();
    const before = server.observed.length;
    const result = await scepclient(server.url, dir, [
      '-challenge', 'WRONG-CHALLENGE',
      '-ca-fingerprint', certificateFingerprint(authority.ra.certificateDer).hex,
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/failInfo: badRequest/);
    expect(fs.existsSync(path.join(dir, 'client.pem'))).toBe(false);
    const op = server.observed.slice(before).find((o) => o.operation === 'PKIOperation')!;
    expect(op.issuedSerial).toBeUndefined();
  });
});

describe('certmonger scep-submit', () => {
  // Files laid out as the certmonger daemon passes them: RA, CA and other certificates exactly as
  // scep-submit itself sorted them out of our GetCACert reply.
  let caDir: string;
  let caCertOutput: { code: number; stdout: string; stderr: string };
  let caBlocks: string[];
  beforeAll(async () => {
    caCertOutput = await runAsync(SCEP_SUBMIT, ['-u', server.url, '-C']);
    caBlocks = caCertOutput.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    caDir = tempDir();
    fs.writeFileSync(path.join(caDir, 'ra.pem'), (caBlocks[0] ?? '') + '\n');
    fs.writeFileSync(path.join(caDir, 'ca.pem'), (caBlocks[1] ?? '') + '\n');
    fs.writeFileSync(path.join(caDir, 'others.pem'), caBlocks.slice(2).join('\n') + '\n');
  });

  it('reads GetCACaps', async () => {
    expect(hasTool(SCEP_SUBMIT)).toBe(true);
    const result = await runAsync(SCEP_SUBMIT, ['-u', server.url, '-c']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('POSTPKIOperation');
    expect(result.stdout).toContain('SCEPStandard');
  });

  it('reads GetCACert and picks out the RA certificate', () => {
    expect(caCertOutput.code, caCertOutput.stdout + caCertOutput.stderr).toBe(0);
    expect(caBlocks.length).toBe(3);
    // scep-submit prints the RA first (the certificate it encrypts to), then the CA, then others.
    expect(certificateFingerprint(caBlocks[0]).hex).toBe(certificateFingerprint(authority.ra.certificateDer).hex);
  });

  const submit = (messagePath: string) =>
    runAsync(SCEP_SUBMIT, [
      '-u', server.url, '-p',
      '-r', path.join(caDir, 'ra.pem'),
      '-N', path.join(caDir, 'ca.pem'),
      '-I', path.join(caDir, 'others.pem'),
      messagePath,
    ]);

  it.each([
    ['aes-256-cbc', 'sha256'],
    ['aes-128-cbc', 'sha512'],
    ['des-ede3-cbc', 'sha1'],
  ] as const)('submits a PKCSReq (%s, %s) over GET, verifies our CertRep and returns the envelope', async (cipher, digest) => {
    const identity = createClientIdentity({ challenge: CHALLENGE, commonName: 'certmonger-device' });
    const ra = parseCertificate(authority.ra.certificateDer);
    const message = buildPkiRequest({ identity, recipient: ra, cipher, digest });
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'req.pem'), toPem(message, 'PKCS7'));
    fs.writeFileSync(path.join(dir, 'self.pem'), toPem(identity.certificate.der, 'CERTIFICATE'));
    fs.writeFileSync(path.join(dir, 'key.pem'), identity.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const before = server.observed.length;
    const result = await submit(path.join(dir, 'req.pem'));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const op = server.observed.slice(before).find((o) => o.operation === 'PKIOperation')!;
    expect(op.method).toBe('GET'); // scep-submit always uses GET with a percent-encoded message
    expect(op.request?.contentCipher).toBe(cipher);
    expect(op.request?.digest).toBe(digest);

    fs.writeFileSync(path.join(dir, 'envelope.pem'), result.stdout);
    // The printed pkcsPKIEnvelope decrypts with the client key to a certs-only PKCS#7.
    const decrypted = openssl(['cms', '-decrypt', '-inform', 'PEM', '-in', path.join(dir, 'envelope.pem'),
      '-recip', path.join(dir, 'self.pem'), '-inkey', path.join(dir, 'key.pem'), '-binary', '-out', path.join(dir, 'certs.p7')]);
    expect(decrypted.code, decrypted.stderr).toBe(0);
    const printed = openssl(['pkcs7', '-inform', 'DER', '-in', path.join(dir, 'certs.p7'), '-print_certs']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('CN = certmonger-device');
    const leafBlock = printed.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0];
    fs.writeFileSync(path.join(dir, 'leaf.pem'), leafBlock + '\n');
    expect(parseCertificate(leafBlock).serialNumberHex).toBe(op.issuedSerial);
    expect(verifyChain(path.join(dir, 'leaf.pem')).code).toBe(0);
  });

  it('reports a rejection (badRequest) for a wrong challenge', async () => {
    const identity = createClientIdentity({ challenge: 'nope' });
    const message = buildPkiRequest({ identity, recipient: parseCertificate(authority.ra.certificateDer), cipher: 'aes-128-cbc', digest: 'sha256' });
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'req.pem'), toPem(message, 'PKCS7'));
    const result = await submit(path.join(dir, 'req.pem'));
    expect(result.code, result.stdout).toBe(2); // CM_SUBMIT_STATUS_REJECTED: it verified a FAILURE CertRep
    expect(result.stdout).toContain('not permitted or is not supported'); // its text for failInfo 2
  });

  it('reports badMessageCheck for a request whose signature was tampered with', async () => {
    const identity = createClientIdentity({ challenge: CHALLENGE });
    const message = buildPkiRequest({ identity, recipient: parseCertificate(authority.ra.certificateDer), cipher: 'aes-128-cbc', digest: 'sha256' });
    message[message.length - 5] ^= 0x01; // inside the signature value
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'req.pem'), toPem(message, 'PKCS7'));
    const result = await submit(path.join(dir, 'req.pem'));
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('Integrity check of client request failed'); // failInfo 1
    expect(FailInfo.badMessageCheck).toBe(1);
  });
});
