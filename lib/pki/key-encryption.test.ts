import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptPrivateKey, encryptPrivateKey, KeyEncryptionError } from './key-encryption';

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const key = randomBytes(32);

describe('encryptPrivateKey / decryptPrivateKey', () => {
  it('round trips with a version prefix and no plaintext in the output', () => {
    const sealed = encryptPrivateKey(pem, key, 'authority:1');
    expect(sealed.startsWith('tk1.')).toBe(true);
    expect(sealed).not.toContain('PRIVATE KEY');
    expect(decryptPrivateKey(sealed, key, 'authority:1')).toBe(pem);
  });

  it('uses a fresh IV each time', () => {
    expect(encryptPrivateKey(pem, key)).not.toBe(encryptPrivateKey(pem, key));
  });

  it('fails with KeyEncryptionError for a wrong key, wrong context, tampering or unknown format', () => {
    const sealed = encryptPrivateKey(pem, key, 'authority:1');
    expect(() => decryptPrivateKey(sealed, randomBytes(32), 'authority:1')).toThrow(KeyEncryptionError);
    expect(() => decryptPrivateKey(sealed, key, 'authority:2')).toThrow(KeyEncryptionError);
    const body = Buffer.from(sealed.slice(4), 'base64url');
    for (const index of [0, 12, body.length - 1]) {
      const tampered = Buffer.from(body);
      tampered[index] ^= 1;
      expect(() => decryptPrivateKey('tk1.' + tampered.toString('base64url'), key, 'authority:1')).toThrow(KeyEncryptionError);
    }
    expect(() => decryptPrivateKey('tk2.' + sealed.slice(4), key, 'authority:1')).toThrow(/unknown key encryption format/);
    expect(() => decryptPrivateKey('tk1.AAAA', key)).toThrow(/too short/);
  });

  it('insists on a 32-byte key', () => {
    expect(() => encryptPrivateKey(pem, randomBytes(16))).toThrow(KeyEncryptionError);
    expect(() => decryptPrivateKey('tk1.x', randomBytes(31))).toThrow(KeyEncryptionError);
  });
});
