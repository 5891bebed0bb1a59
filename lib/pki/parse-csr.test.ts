import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCsr } from '@/lib/scep/testdata/scep-test-client';
import { mutate, prng } from '@/lib/scep/testdata/prng';
import { openssl, withFiles } from '@/lib/scep/testdata/tools';
import { bitString, implicit, integer, oid, sequence, setOf, tlv, utf8String, algorithmIdentifier, nullValue } from './der-writer';
import { encodeName } from './distinguished-name';
import { OID } from './oids';
import { CsrError, parseCsr } from './parse-csr';
import { createSigner } from './create-signer';

const CONFIG = `
[req]
prompt = no
distinguished_name = dn
attributes = attrs
req_extensions = ext
[dn]
CN = device-42
O = Example Org
[attrs]
challengePassword = S3cret-Challenge
[ext]
subjectAltName = DNS:device-42.example.com, IP:10.1.2.3, IP:2001:db8::1, email:dev@example.com, URI:urn:uuid:1234
`;

function opensslCsr(keyArgs: string[]): Buffer {
  const dir = withFiles({ 'req.cnf': CONFIG });
  const result = openssl(['req', '-new', ...keyArgs, '-nodes', '-keyout', path.join(dir, 'key.pem'), '-config', path.join(dir, 'req.cnf'), '-outform', 'DER', '-out', path.join(dir, 'csr.der')]);
  if (result.code !== 0) throw new Error(result.stderr);
  return fs.readFileSync(path.join(dir, 'csr.der'));
}

let rsaCsr: Buffer;
beforeAll(() => {
  rsaCsr = opensslCsr(['-newkey', 'rsa:2048']);
});

function expectCsrError(fn: () => unknown, code: string) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CsrError);
    expect((err as CsrError).code).toBe(code);
    return;
  }
  throw new Error('expected a CsrError');
}

describe('parseCsr', () => {
  it('reads an openssl CSR: subject, key, challengePassword and subjectAltName', () => {
    const csr = parseCsr(rsaCsr);
    expect(csr.subject).toBe('O=Example Org,CN=device-42');
    expect(csr.commonName).toBe('device-42');
    expect(csr.keyType).toBe('rsa');
    expect(csr.keyBits).toBe(2048);
    expect(csr.challengePassword).toBe('S3cret-Challenge');
    expect(csr.subjectAltNames).toEqual({
      dnsNames: ['device-42.example.com'],
      emailAddresses: ['dev@example.com'],
      uris: ['urn:uuid:1234'],
      ipAddresses: ['10.1.2.3', '2001:db8:0:0:0:0:0:1'],
      otherNames: [],
    });
    expect(csr.requestedExtensions.map((e) => e.oid)).toEqual([OID.subjectAltName]);
  });

  it('accepts PEM', () => {
    const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${rsaCsr.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    expect(parseCsr(pem).commonName).toBe('device-42');
  });

  it.each([
    [['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'ec', 'prime256v1'],
    [['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], 'ec', 'secp384r1'],
    [['-newkey', 'ed25519'], 'ed25519', undefined],
  ])('verifies %j CSRs', (args, keyType, curve) => {
    const csr = parseCsr(opensslCsr(args));
    expect(csr.keyType).toBe(keyType);
    expect(csr.namedCurve).toBe(curve);
  });

  it('rejects a tampered signature or subject as bad-signature', () => {
    const sig = Buffer.from(rsaCsr);
    sig[sig.length - 3] ^= 0x40;
    expectCsrError(() => parseCsr(sig), 'bad-signature');
    const subject = Buffer.from(rsaCsr);
    const at = subject.indexOf(Buffer.from('device-42'));
    subject[at] = 'D'.charCodeAt(0);
    expectCsrError(() => parseCsr(subject), 'bad-signature');
  });

  it('rejects MD5 and unknown signature algorithms as unsupported-algorithm', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const info = sequence(integer(0), encodeName([['CN', 'x']]), publicKey.export({ format: 'der', type: 'spki' }), implicit(0, Buffer.alloc(0), true));
    const md5 = sequence(info, algorithmIdentifier(OID.md5WithRsa, nullValue()), bitString(createSigner(privateKey).sign(info)));
    expectCsrError(() => parseCsr(md5), 'unsupported-algorithm');
  });

  it('reads a BMPString challenge and refuses two challengePassword attributes', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signer = createSigner(privateKey);
    const make = (attrs: Buffer[]) => {
      const info = sequence(integer(0), encodeName([['CN', 'win']]), publicKey.export({ format: 'der', type: 'spki' }), implicit(0, Buffer.concat(attrs), true));
      return sequence(info, signer.algorithm, bitString(signer.sign(info)));
    };
    const bmp = Buffer.from('ABC123', 'utf16le').swap16();
    const challenge = sequence(oid(OID.challengePassword), setOf([tlv(0x1e, bmp)]));
    expect(parseCsr(make([challenge])).challengePassword).toBe('ABC123');
    const second = sequence(oid(OID.challengePassword), setOf([utf8String('other')]));
    expectCsrError(() => parseCsr(make([challenge, second])), 'malformed');
  });

  it('finds no challenge when there is none', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const csr = parseCsr(buildCsr({ key: privateKey, publicKey, dnsNames: ['a.example'] }));
    expect(csr.challengePassword).toBeUndefined();
    expect(csr.subjectAltNames.dnsNames).toEqual(['a.example']);
  });

  it('turns garbage, truncation and thousands of mutations into CsrError only', () => {
    expectCsrError(() => parseCsr(Buffer.from('not a csr')), 'malformed');
    expectCsrError(() => parseCsr('-----BEGIN NOTHING-----'), 'malformed');
    for (let cut = 0; cut < rsaCsr.length; cut += 7) {
      expect(() => parseCsr(rsaCsr.subarray(0, cut))).toThrow(CsrError);
    }
    const random = prng(99);
    const codes = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      try {
        parseCsr(mutate(rsaCsr, random));
      } catch (err) {
        if (!(err instanceof CsrError)) throw new Error(`iteration ${i}: ${(err as Error).stack}`);
        codes.add(err.code);
      }
    }
    expect(codes.has('malformed')).toBe(true);
    expect(codes.has('bad-signature')).toBe(true);
  });
});
