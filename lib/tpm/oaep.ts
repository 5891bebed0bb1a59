// EME-OAEP encoding (RFC 8017 §7.1.1) with an explicit seed, then raw RSA. The TPM's RSA secret
// sharing (Part 1 §B.10.3) is plain RSAES-OAEP with a label; doing the padding here lets the test
// vectors, whose OAEP seed is fixed, check the very code that runs in production.
import { constants, createHash, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import type { NodeDigest } from './hash';
import { TpmError } from './errors';

function mgf1(hash: NodeDigest, seed: Uint8Array, length: number): Buffer {
  const out: Buffer[] = [];
  let produced = 0;
  for (let counter = 0; produced < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(seed).update(c).digest();
    out.push(block);
    produced += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

export function oaepEncode(message: Uint8Array, label: Uint8Array, hash: NodeDigest, modulusBytes: number, seed?: Uint8Array): Buffer {
  const lHash = createHash(hash).update(label).digest();
  const hLen = lHash.length;
  if (message.length > modulusBytes - 2 * hLen - 2) throw new TpmError('invalid', 'message too long for RSA-OAEP with this key');
  const s = seed ? Buffer.from(seed) : randomBytes(hLen);
  if (s.length !== hLen) throw new TpmError('invalid', `OAEP seed must be ${hLen} bytes`);
  const ps = Buffer.alloc(modulusBytes - message.length - 2 * hLen - 2);
  const db = Buffer.concat([lHash, ps, Buffer.from([1]), message]);
  const dbMask = mgf1(hash, s, db.length);
  const maskedDb = Buffer.from(db.map((b, i) => b ^ dbMask[i]));
  const seedMask = mgf1(hash, maskedDb, hLen);
  const maskedSeed = Buffer.from(s.map((b, i) => b ^ seedMask[i]));
  return Buffer.concat([Buffer.from([0]), maskedSeed, maskedDb]);
}

/** RSAES-OAEP(key, message, label) with MGF1 over the same hash. */
export function rsaOaepEncrypt(key: KeyObject, message: Uint8Array, label: Uint8Array, hash: NodeDigest, seed?: Uint8Array): Buffer {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || !bits) throw new TpmError('invalid', 'RSA-OAEP needs an RSA public key');
  const k = Math.ceil(bits / 8);
  return publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, oaepEncode(message, label, hash, k, seed));
}
