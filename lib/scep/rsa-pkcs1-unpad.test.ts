import { constants, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptContentKey } from './rsa-pkcs1-unpad';
import { openssl, withFiles } from './testdata/tools';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const K = 256;
const pkcs1 = { scheme: 'rsa-pkcs1' } as const;

/** Encrypts a hand-made encoded message, so any padding (valid or not) can be produced. */
function rawEncrypt(em: Buffer): Buffer {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, em);
}

function encodedMessage(key: Buffer, opts: { first?: number; second?: number; psLength?: number; noSeparator?: boolean } = {}): Buffer {
  const em = Buffer.alloc(K);
  em[0] = opts.first ?? 0;
  em[1] = opts.second ?? 2;
  const psLength = opts.psLength ?? K - 3 - key.length;
  for (let i = 2; i < 2 + psLength; i++) em[i] = 1 + Math.floor(Math.random() * 255);
  if (!opts.noSeparator) em[2 + psLength] = 0;
  else em[2 + psLength] = 0x55;
  key.copy(em, 3 + psLength);
  return em;
}

describe('decryptContentKey (PKCS#1 v1.5, implicit rejection)', () => {
  it.each([8, 16, 24, 32])('recovers a %i-byte key encrypted with PKCS#1 v1.5 padding', (length) => {
    const key = randomBytes(length);
    const ciphertext = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
    expect(decryptContentKey(privateKey, ciphertext, pkcs1, length)).toEqual(key);
  });

  it('recovers a key encrypted by openssl pkeyutl', () => {
    const key = randomBytes(16);
    const dir = withFiles({ 'pub.pem': publicKey.export({ format: 'pem', type: 'spki' }), 'key.bin': key });
    const out = openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', path.join(dir, 'pub.pem'), '-pkeyopt', 'rsa_padding_mode:pkcs1', '-in', path.join(dir, 'key.bin')]);
    expect(out.code, out.stderr).toBe(0);
    expect(decryptContentKey(privateKey, out.stdoutBytes!, pkcs1, 16)).toEqual(key);
  });

  it('accepts a ciphertext whose leading zero byte was dropped', () => {
    const key = randomBytes(16);
    let ciphertext: Buffer | undefined;
    for (let i = 0; i < 5000 && !ciphertext; i++) {
      const c = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
      if (c[0] === 0) ciphertext = c.subarray(1);
    }
    expect(ciphertext?.length).toBe(K - 1);
    expect(decryptContentKey(privateKey, ciphertext!, pkcs1, 16)).toEqual(key);
  });

  it('returns a deterministic pseudo-random key of the right length for every kind of bad padding', () => {
    const key = Buffer.alloc(16, 0xab);
    const bad = [
      encodedMessage(key, { first: 1 }),
      encodedMessage(key, { second: 1 }),
      encodedMessage(key, { second: 0 }),
      encodedMessage(key, { psLength: 7, noSeparator: false }), // separator too early (PS < 8 bytes)
      encodedMessage(key, { noSeparator: true }), // no zero byte at all after PS...
      encodedMessage(Buffer.alloc(15, 0xab)), // valid padding, wrong key length
      encodedMessage(Buffer.alloc(17, 0xab)),
    ];
    // ...except where the key itself contains a zero; make sure case 5 really has none.
    expect(bad[4].subarray(2).includes(0)).toBe(false);
    const outputs = bad.map((em) => {
      const ciphertext = rawEncrypt(em);
      const first = decryptContentKey(privateKey, ciphertext, pkcs1, 16);
      expect(first.length).toBe(16);
      expect(decryptContentKey(privateKey, ciphertext, pkcs1, 16)).toEqual(first); // deterministic
      expect(first).not.toEqual(key);
      expect(decryptContentKey(other, ciphertext, pkcs1, 16)).not.toEqual(first); // bound to the private key
      return first.toString('hex');
    });
    expect(new Set(outputs).size).toBe(bad.length); // bound to the ciphertext
    // And the hand-made encoder itself is right: a valid message decrypts.
    expect(decryptContentKey(privateKey, rawEncrypt(encodedMessage(key)), pkcs1, 16)).toEqual(key);
  });

  it('never throws for ciphertexts that are too long, out of range or empty', () => {
    for (const c of [Buffer.alloc(K + 1, 1), Buffer.alloc(K, 0xff), Buffer.alloc(0), Buffer.alloc(K, 0)]) {
      expect(decryptContentKey(privateKey, c, pkcs1, 24).length).toBe(24);
    }
  });
});

describe('decryptContentKey (RSA-OAEP)', () => {
  it.each(['sha1', 'sha256', 'sha512'] as const)('recovers a key wrapped with OAEP/%s', (hash) => {
    const key = randomBytes(32);
    const ciphertext = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, key);
    expect(decryptContentKey(privateKey, ciphertext, { scheme: 'rsa-oaep', hash }, 32)).toEqual(key);
  });

  it('recovers a key wrapped by openssl pkeyutl with OAEP/SHA-256', () => {
    const key = randomBytes(16);
    const dir = withFiles({ 'pub.pem': publicKey.export({ format: 'pem', type: 'spki' }), 'key.bin': key });
    const out = openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', path.join(dir, 'pub.pem'), '-pkeyopt', 'rsa_padding_mode:oaep',
      '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256', '-in', path.join(dir, 'key.bin')]);
    expect(out.code, out.stderr).toBe(0);
    expect(decryptContentKey(privateKey, out.stdoutBytes!, { scheme: 'rsa-oaep', hash: 'sha256' }, 16)).toEqual(key);
  });

  it('folds OAEP failures into the same implicit rejection', () => {
    const key = randomBytes(16);
    const ciphertext = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key);
    const wrongHash = decryptContentKey(privateKey, ciphertext, { scheme: 'rsa-oaep', hash: 'sha256' }, 16);
    expect(wrongHash.length).toBe(16);
    expect(wrongHash).not.toEqual(key);
    expect(decryptContentKey(privateKey, ciphertext, { scheme: 'rsa-oaep', hash: 'sha256' }, 16)).toEqual(wrongHash);
    // Right scheme, wrong expected length: also rejected.
    expect(decryptContentKey(privateKey, ciphertext, { scheme: 'rsa-oaep', hash: 'sha1' }, 24).length).toBe(24);
  });
});
