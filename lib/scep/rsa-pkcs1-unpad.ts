// RSA key transport of CMS envelopes (RFC 5652 §6.2.1, RFC 8017 §7.2 PKCS#1 v1.5, §7.1 OAEP).
// Node 20 refuses RSA_PKCS1_PADDING decryption (CVE-2023-46809), so v1.5 is decrypted raw and
// unpadded here in constant time with implicit rejection (the approach of
// draft-irtf-cfrg-rsa-guidance / OpenSSL 3.2): a bad padding yields a pseudo-random key derived
// from the private key and the ciphertext, and the failure only shows when the content does not
// decrypt, the same way a wrong-but-well-padded key fails. No Bleichenbacher oracle.
import { constants, createHmac, privateDecrypt, type KeyObject } from 'node:crypto';

export type KeyTransport =
  | { scheme: 'rsa-pkcs1' }
  | { scheme: 'rsa-oaep'; hash: 'sha1' | 'sha256' | 'sha384' | 'sha512' };

const kdkCache = new WeakMap<KeyObject, Buffer>();

/** A secret only the key holder can compute, so synthetic keys are unpredictable to others. */
function keyDerivationKey(privateKey: KeyObject): Buffer {
  let kdk = kdkCache.get(privateKey);
  if (!kdk) {
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    kdk = createHmac('sha256', 'tessera scep implicit rejection').update(der).digest();
    kdkCache.set(privateKey, kdk);
  }
  return kdk;
}

/** Deterministic per (key, ciphertext): a retried bad message fails the same way every time. */
function syntheticKey(privateKey: KeyObject, ciphertext: Uint8Array, length: number): Buffer {
  const kdk = keyDerivationKey(privateKey);
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * 32 < length; counter++) {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(counter, 0);
    header.writeUInt32BE(length, 4);
    blocks.push(createHmac('sha256', kdk).update(header).update(ciphertext).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

// Branch-free helpers on small non-negative integers (< 2^31); results are 0 or 1.
const isZero = (x: number) => (((x | -x) >>> 31) ^ 1) & 1;
const equals = (a: number, b: number) => isZero(a ^ b);
const lessThan = (a: number, b: number) => ((a - b) >>> 31) & 1;
const select = (bit: number, a: number, b: number) => b ^ (-bit & (a ^ b));

/**
 * Removes EME-PKCS1-v1_5 padding (RFC 8017 §7.2.2 step 3) from `em`, expecting a message of
 * exactly `length` bytes; returns `fallback` when the padding or the length is wrong. Runs the
 * same instructions whatever the padding looked like.
 */
function unpadConstantTime(em: Uint8Array, length: number, fallback: Uint8Array): Buffer {
  const k = em.length;
  let good = equals(em[0], 0) & equals(em[1], 2);
  let zeroIndex = 0;
  let looking = 1;
  for (let i = 2; i < k; i++) {
    const zero = isZero(em[i]);
    zeroIndex = select(looking & zero, i, zeroIndex);
    looking &= zero ^ 1;
  }
  good &= looking ^ 1; // a separator exists
  good &= lessThan(zeroIndex, 10) ^ 1; // at least 8 padding bytes (index 2..9)
  good &= equals(zeroIndex, k - length - 1); // the message has the expected length
  const out = Buffer.alloc(length);
  for (let j = 0; j < length; j++) out[j] = select(good, em[k - length + j], fallback[j]);
  return out;
}

/**
 * Decrypts a wrapped content-encryption key of `keyLength` bytes. Never throws for a bad
 * ciphertext: the result is then a pseudo-random key and content decryption fails later.
 */
export function decryptContentKey(
  privateKey: KeyObject,
  encryptedKey: Uint8Array,
  transport: KeyTransport,
  keyLength: number,
): Buffer {
  const modulusBytes = Math.ceil((privateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const fallback = syntheticKey(privateKey, encryptedKey, keyLength);

  if (transport.scheme === 'rsa-oaep') {
    // OpenSSL's OAEP decoding is constant time; a failure is folded into the same implicit
    // rejection so OAEP and v1.5 clients see identical behaviour.
    try {
      const key = privateDecrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: transport.hash },
        encryptedKey,
      );
      return key.length === keyLength ? key : fallback;
    } catch {
      return fallback;
    }
  }

  if (modulusBytes < 11 + keyLength || encryptedKey.length > modulusBytes) return fallback;
  // Some encoders drop leading zero bytes of the ciphertext integer; restore the full width.
  const ciphertext = Buffer.alloc(modulusBytes);
  Buffer.from(encryptedKey).copy(ciphertext, modulusBytes - encryptedKey.length);
  let em: Buffer;
  try {
    em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
  } catch {
    // Only for a ciphertext >= the modulus, which anyone can check with the public key.
    return fallback;
  }
  if (em.length !== modulusBytes) return fallback;
  return unpadConstantTime(em, keyLength, fallback);
}
