// Content-encryption algorithms of SCEP envelopes (RFC 8894 §3.5.2 "AES"/"DES3", RFC 3370 §5.1,
// RFC 3565): CBC with PKCS#7 padding. Single DES is gone from OpenSSL 3's default provider, yet
// still the default of Go SCEP clients, so it runs on the pure-JS des.js.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import desjs from 'des.js';
import { OID } from '@/lib/pki/oids';

export type ContentCipher = 'des-cbc' | 'des-ede3-cbc' | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';

interface CipherSpec {
  oid: string;
  keyLength: number;
  blockSize: number;
}

export const CONTENT_CIPHERS: Record<ContentCipher, CipherSpec> = {
  'des-cbc': { oid: OID.desCbc, keyLength: 8, blockSize: 8 },
  'des-ede3-cbc': { oid: OID.desEde3Cbc, keyLength: 24, blockSize: 8 },
  'aes-128-cbc': { oid: OID.aes128Cbc, keyLength: 16, blockSize: 16 },
  'aes-192-cbc': { oid: OID.aes192Cbc, keyLength: 24, blockSize: 16 },
  'aes-256-cbc': { oid: OID.aes256Cbc, keyLength: 32, blockSize: 16 },
};

const BY_OID = new Map(Object.entries(CONTENT_CIPHERS).map(([name, spec]) => [spec.oid, name as ContentCipher]));

export function contentCipherForOid(oid: string): ContentCipher | undefined {
  return BY_OID.get(oid);
}

export class ContentDecryptionError extends Error {
  constructor() {
    super('content decryption failed');
    this.name = 'ContentDecryptionError';
  }
}

const DesCbc = desjs.CBC.instantiate(desjs.DES);

function rawCbc(cipher: ContentCipher, encrypt: boolean, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  if (cipher === 'des-cbc') {
    // des.js's own unpadding accepts malformed padding, so padding is handled below for all ciphers.
    const c = DesCbc.create({ type: encrypt ? 'encrypt' : 'decrypt', key, iv, padding: false });
    return Buffer.from(c.update(data).concat(c.final()));
  }
  const c = encrypt ? createCipheriv(cipher, key, iv) : createDecipheriv(cipher, key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Sets the DES parity bits (FIPS 46-3): ignored by most implementations, checked by a few. */
function withDesParity(key: Buffer): Buffer {
  for (let i = 0; i < key.length; i++) {
    const b = key[i] & 0xfe;
    let ones = 0;
    for (let bit = 1; bit < 256; bit <<= 1) if (b & bit) ones++;
    key[i] = b | (ones % 2 === 0 ? 1 : 0);
  }
  return key;
}

export function generateContentKey(cipher: ContentCipher): Buffer {
  const key = randomBytes(CONTENT_CIPHERS[cipher].keyLength);
  return cipher.startsWith('des') ? withDesParity(key) : key;
}

export function encryptContent(cipher: ContentCipher, key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  const { blockSize } = CONTENT_CIPHERS[cipher];
  const padLength = blockSize - (plaintext.length % blockSize);
  const padded = Buffer.concat([plaintext, Buffer.alloc(padLength, padLength)]);
  return rawCbc(cipher, true, key, iv, padded);
}

/**
 * Decrypts and removes PKCS#7 padding. Every failure is the same ContentDecryptionError, and
 * callers must treat it exactly like "decrypted but not a valid CSR", so a modified ciphertext
 * cannot be used as a padding oracle.
 */
export function decryptContent(cipher: ContentCipher, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  const { blockSize, keyLength } = CONTENT_CIPHERS[cipher];
  if (key.length !== keyLength || iv.length !== blockSize) throw new ContentDecryptionError();
  if (ciphertext.length === 0 || ciphertext.length % blockSize !== 0) throw new ContentDecryptionError();
  let plain: Buffer;
  try {
    plain = rawCbc(cipher, false, key, iv, ciphertext);
  } catch {
    throw new ContentDecryptionError();
  }
  const pad = plain[plain.length - 1];
  let bad = pad === 0 || pad > blockSize ? 1 : 0;
  for (let i = 1; i <= blockSize; i++) {
    // Inspect a fixed number of bytes whatever the pad value.
    if (i <= pad && plain[plain.length - i] !== pad) bad = 1;
  }
  if (bad) throw new ContentDecryptionError();
  return plain.subarray(0, plain.length - pad);
}
