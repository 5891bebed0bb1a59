import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signJws, generateAccountKey, type Alg } from '@/tests/helpers/acme-client';
import { decodeBase64Url } from './base64url';
import { jwkThumbprint, jwkToKeyObject, keyObjectToJwk, readPublicJwk } from './jwk';
import { parseJws, verifyJws } from './jws';
import { keyAuthorization } from './key-authorization';
import { AcmeProblem } from './problem';
import { accountIdFromKid, acmeUrls } from './urls';

function problemOf(fn: () => unknown): AcmeProblem {
  try {
    fn();
  } catch (err) {
    if (err instanceof AcmeProblem) return err;
    throw err;
  }
  throw new Error('expected an AcmeProblem');
}

const URL = 'https://tessera.test/acme/agents/new-order';
const KID = 'https://tessera.test/acme/agents/acct/6f1e2c3a-0000-4000-8000-000000000001';

describe('base64url', () => {
  it('accepts only the unpadded URL-safe alphabet in canonical form', () => {
    expect(decodeBase64Url('aGk')?.toString()).toBe('hi');
    expect(decodeBase64Url('')?.length).toBe(0);
    expect(decodeBase64Url('aGk=')).toBeNull();
    expect(decodeBase64Url('a+k')).toBeNull();
    expect(decodeBase64Url('aG k')).toBeNull();
    expect(decodeBase64Url('aGl')).toBeNull(); // non-zero trailing bits: a second spelling of "hi"
    expect(decodeBase64Url('a')).toBeNull();
  });
});

describe('JWK', () => {
  it('computes the RFC 7638 §3.1 thumbprint of the RFC example RSA key', () => {
    const jwk = readPublicJwk({
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    });
    expect(jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('computes the RFC 8037 Appendix A.3 thumbprint of the Ed25519 example key', () => {
    const jwk = readPublicJwk({ crv: 'Ed25519', kty: 'OKP', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' });
    expect(jwkThumbprint(jwk)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('round-trips Node keys and refuses private, weak or unknown keys with badPublicKey', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = keyObjectToJwk(publicKey);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(jwkToKeyObject(jwk).export({ format: 'der', type: 'spki' })).toEqual(publicKey.export({ format: 'der', type: 'spki' }));
    expect(problemOf(() => readPublicJwk(privateKey.export({ format: 'jwk' }))).type).toBe('badPublicKey');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    expect(problemOf(() => readPublicJwk(weak)).message).toMatch(/2048/);
    expect(problemOf(() => readPublicJwk({ kty: 'EC', crv: 'P-521', x: 'AA', y: 'AA' })).type).toBe('badPublicKey');
    expect(problemOf(() => readPublicJwk({ kty: 'oct', k: 'AA' })).type).toBe('badPublicKey');
    // A point that is not on the curve loads as nothing.
    const offCurve = { ...jwk, y: jwk.kty === 'EC' ? Buffer.alloc(32, 1).toString('base64url') : '' };
    expect(problemOf(() => jwkToKeyObject(readPublicJwk(offCurve))).type).toBe('badPublicKey');
  });

  it('builds the key authorization from the token and thumbprint (RFC 8555 §8.1)', () => {
    const jwk = readPublicJwk({ crv: 'Ed25519', kty: 'OKP', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' });
    expect(keyAuthorization('tok', jwk)).toBe('tok.kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });
});

describe('JWS', () => {
  for (const alg of ['ES256', 'ES384', 'RS256', 'EdDSA'] as Alg[]) {
    it(`parses and verifies a flattened ${alg} JWS`, () => {
      const key = generateAccountKey(alg);
      const jws = signJws(key, { nonce: 'n0nce-n0nce-n0nce', url: URL, jwk: keyObjectToJwk(key.publicKey) }, { identifiers: [] });
      const parsed = parseJws(JSON.stringify(jws));
      expect(parsed.header).toMatchObject({ alg, nonce: 'n0nce-n0nce-n0nce', url: URL });
      expect(parsed.payload).toEqual({ identifiers: [] });
      expect(() => verifyJws(parsed, key.publicKey)).not.toThrow();
    });
  }

  it('treats an empty payload as POST-as-GET', () => {
    const key = generateAccountKey();
    const parsed = parseJws(JSON.stringify(signJws(key, { nonce: 'abcdefghijklmnop', url: URL, kid: KID }, '')));
    expect(parsed.payload).toBeNull();
    expect(parsed.header.kid).toBe(KID);
  });

  it('refuses a wrong signature as malformed and a key of another type as badSignatureAlgorithm', () => {
    const key = generateAccountKey();
    const other = generateAccountKey();
    const jws = signJws(key, { nonce: 'abcdefghijklmnop', url: URL, kid: KID }, {});
    expect(problemOf(() => verifyJws(parseJws(JSON.stringify(jws)), other.publicKey)).type).toBe('malformed');
    const tampered = { ...jws, payload: Buffer.from('{"x":1}').toString('base64url') };
    expect(problemOf(() => verifyJws(parseJws(JSON.stringify(tampered)), key.publicKey)).message).toMatch(/signature/);
    const rsa = generateAccountKey('RS256');
    const p = problemOf(() => verifyJws(parseJws(JSON.stringify(jws)), rsa.publicKey));
    expect(p.type).toBe('badSignatureAlgorithm');
    expect(p.toDocument().algorithms).toEqual(['ES256', 'ES384', 'RS256', 'EdDSA']);
  });

  it('refuses what RFC 8555 §6.2 forbids', () => {
    const key = generateAccountKey();
    const jwk = keyObjectToJwk(key.publicKey);
    const parse = (x: unknown) => problemOf(() => parseJws(typeof x === 'string' ? x : JSON.stringify(x)));
    const good = signJws(key, { nonce: 'abcdefghijklmnop', url: URL, kid: KID }, {});
    expect(parse('not json').type).toBe('malformed');
    expect(parse([1]).type).toBe('malformed');
    expect(parse({ ...good, signatures: [] }).message).toMatch(/flattened/);
    expect(parse({ ...good, header: { kid: 'x' } }).message).toMatch(/unprotected/);
    expect(parse({ ...good, signature: good.signature + '=' }).message).toMatch(/base64url/);
    expect(parse(signJws(key, { alg: 'none', nonce: 'abcdefghijklmnop', url: URL, kid: KID }, {})).type).toBe('badSignatureAlgorithm');
    expect(parse(signJws(key, { alg: 'HS256', nonce: 'abcdefghijklmnop', url: URL, kid: KID }, {})).type).toBe('badSignatureAlgorithm');
    expect(parse(signJws(key, { url: URL, kid: KID }, {})).type).toBe('badNonce');
    expect(parse(signJws(key, { nonce: 'abcdefghijklmnop', kid: KID }, {})).message).toMatch(/url/);
    expect(parse(signJws(key, { nonce: 'abcdefghijklmnop', url: URL, kid: KID, jwk }, {})).message).toMatch(/exactly one/);
    expect(parse(signJws(key, { nonce: 'abcdefghijklmnop', url: URL }, {})).message).toMatch(/exactly one/);
    expect(parse(signJws(key, { nonce: 'abcdefghijklmnop', url: URL, kid: KID, b64: false }, {})).message).toMatch(/b64/);
    expect(parse(signJws(key, { nonce: 'abcdefghijklmnop', url: URL, kid: KID }, [1, 2])).message).toMatch(/payload/);
  });
});

describe('URLs', () => {
  it('names accounts by kid within this directory only', () => {
    const urls = acmeUrls('https://tessera.test/', 'agents');
    expect(urls.directory).toBe('https://tessera.test/acme/agents/directory');
    const id = '6f1e2c3a-0000-4000-8000-000000000001';
    expect(accountIdFromKid(urls, urls.account(id))).toBe(id);
    expect(accountIdFromKid(urls, `https://evil.test/acme/agents/acct/${id}`)).toBeNull();
    expect(accountIdFromKid(urls, `${urls.account(id)}/orders`)).toBeNull();
  });
});
