import { randomBytes } from 'node:crypto';
import desjs from 'des.js';
import { describe, expect, it } from 'vitest';
import { OID } from '@/lib/pki/oids';
import {
  CONTENT_CIPHERS,
  contentCipherForOid,
  ContentDecryptionError,
  decryptContent,
  encryptContent,
  generateContentKey,
  type ContentCipher,
} from './content-cipher';
import { openssl } from './testdata/tools';

const ALL = Object.keys(CONTENT_CIPHERS) as ContentCipher[];

describe('content ciphers', () => {
  it('DES-CBC (des.js) matches the FIPS 81 CBC example', () => {
    const key = Buffer.from('0123456789abcdef', 'hex');
    const iv = Buffer.from('1234567890abcdef', 'hex');
    const out = encryptContent('des-cbc', key, iv, Buffer.from('Now is the time for all '));
    expect(out.subarray(0, 24).toString('hex')).toBe('e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6');
    expect(out.length).toBe(32); // a full block of PKCS#7 padding
    expect(decryptContent('des-cbc', key, iv, out).toString()).toBe('Now is the time for all ');
  });

  it.each(ALL)('%s agrees with openssl enc byte for byte', (cipher) => {
    const { keyLength, blockSize } = CONTENT_CIPHERS[cipher];
    const key = randomBytes(keyLength);
    const iv = randomBytes(blockSize);
    const plain = randomBytes(37);
    const legacy = cipher === 'des-cbc' ? ['-provider', 'legacy', '-provider', 'default'] : [];
    const ours = encryptContent(cipher, key, iv, plain);
    const theirs = openssl(['enc', `-${cipher}`, ...legacy, '-K', key.toString('hex'), '-iv', iv.toString('hex')], { input: plain });
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(ours.toString('hex')).toBe(theirs.stdoutBytes!.toString('hex'));
  });

  it.each(ALL)('%s round trips every length around the block size', (cipher) => {
    const key = generateContentKey(cipher);
    const iv = randomBytes(CONTENT_CIPHERS[cipher].blockSize);
    for (let n = 0; n <= 40; n++) {
      const plain = randomBytes(n);
      const sealed = encryptContent(cipher, key, iv, plain);
      expect(sealed.length % CONTENT_CIPHERS[cipher].blockSize).toBe(0);
      expect(decryptContent(cipher, key, iv, sealed)).toEqual(plain);
    }
  });

  it('generates DES keys with odd parity', () => {
    const key = generateContentKey('des-ede3-cbc');
    for (const byte of key) {
      let ones = 0;
      for (let b = byte; b; b >>= 1) ones += b & 1;
      expect(ones % 2).toBe(1);
    }
  });

  it('reports every failure as the same ContentDecryptionError', () => {
    const key = Buffer.alloc(16, 1);
    const iv = Buffer.alloc(16, 2);
    const sealed = encryptContent('aes-128-cbc', key, iv, Buffer.from('sixteen byte msg'));
    const cases: Array<[Buffer, Buffer, Buffer]> = [
      [Buffer.alloc(16, 9), iv, sealed], // wrong key (fixed inputs, so deterministic)
      [key, iv, sealed.subarray(0, 17)], // not a block multiple
      [key, iv, Buffer.alloc(0)], // empty
      [key, Buffer.alloc(8), sealed], // wrong IV length
      [Buffer.alloc(15), iv, sealed], // wrong key length
    ];
    // Corrupt the padding: flip a bit in the last byte of the second-to-last block.
    const badPad = Buffer.from(sealed);
    badPad[badPad.length - 17] ^= 0x01;
    cases.push([key, iv, badPad]);
    for (const [k, v, c] of cases) expect(() => decryptContent('aes-128-cbc', k, v, c)).toThrow(ContentDecryptionError);
    // des.js's own unpadding would accept a pad byte of 0 or > 8; ours does not.
    const desKey = Buffer.alloc(8, 3);
    const desIv = Buffer.alloc(8);
    const rawDes = (block: Buffer) => {
      const c = desjs.CBC.instantiate(desjs.DES).create({ type: 'encrypt', key: desKey, iv: desIv, padding: false });
      return Buffer.from(c.update(block).concat(c.final()));
    };
    for (const last of [0x00, 0x09, 0xff]) {
      const block = Buffer.alloc(8, 0x07);
      block[7] = last;
      expect(() => decryptContent('des-cbc', desKey, desIv, rawDes(block))).toThrow(ContentDecryptionError);
    }
    const good = Buffer.from([1, 2, 3, 4, 5, 3, 3, 3]);
    expect(decryptContent('des-cbc', desKey, desIv, rawDes(good))).toEqual(Buffer.from([1, 2, 3, 4, 5]));
  });

  it('maps OIDs to ciphers and refuses others', () => {
    expect(contentCipherForOid(OID.desCbc)).toBe('des-cbc');
    expect(contentCipherForOid(OID.desEde3Cbc)).toBe('des-ede3-cbc');
    expect(contentCipherForOid(OID.aes128Cbc)).toBe('aes-128-cbc');
    expect(contentCipherForOid(OID.aes192Cbc)).toBe('aes-192-cbc');
    expect(contentCipherForOid(OID.aes256Cbc)).toBe('aes-256-cbc');
    expect(contentCipherForOid('1.2.840.113549.3.2')).toBeUndefined(); // RC2
  });
});
