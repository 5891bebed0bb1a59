// Private keys at rest: AES-256-GCM (NIST SP 800-38D) under a 32-byte key the caller derives from
// TESSERA_SECRET. The "tk1." prefix names the format so a later scheme can coexist with this one.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class KeyEncryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyEncryptionError';
  }
}

const PREFIX = 'tk1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new KeyEncryptionError('key must be 32 bytes');
}

/**
 * Encrypts a private key (PEM text). `context` is bound as associated data, e.g. the authority
 * id, so a ciphertext copied onto another row fails to decrypt instead of being used there.
 */
export function encryptPrivateKey(plaintext: string, key: Uint8Array, context = ''): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(PREFIX + context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

export function decryptPrivateKey(encrypted: string, key: Uint8Array, context = ''): string {
  checkKey(key);
  if (!encrypted.startsWith(PREFIX)) throw new KeyEncryptionError('unknown key encryption format');
  const raw = Buffer.from(encrypted.slice(PREFIX.length), 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new KeyEncryptionError('ciphertext too short');
  const iv = raw.subarray(0, IV_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const body = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(PREFIX + context, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new KeyEncryptionError('wrong key, wrong context or tampered ciphertext');
  }
}
