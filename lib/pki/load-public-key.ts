// SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) to a Node KeyObject. RSA keys are handed to OpenSSL as
// JWK: loading them from SPKI DER goes through OpenSSL's generic decoder chain, which costs two
// orders of magnitude more, and every SCEP request loads two (the CSR's and its signer's).
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readBitString, readDer, readIntegerBytes, readOid, readSequence } from './der-reader';

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** Unsigned big-endian integer bytes without DER's sign-padding zero. */
function unsigned(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

// A SCEP PKCSReq carries the same key twice (the CSR's and its self-signed signer's), and a
// client's retry sends it again: remember the last few keys loaded.
const recent = new Map<string, KeyObject>();
const RECENT_MAX = 256;

export function loadSpki(spkiDer: Uint8Array): KeyObject {
  const id = Buffer.from(spkiDer.buffer, spkiDer.byteOffset, spkiDer.byteLength).toString('base64');
  const hit = recent.get(id);
  if (hit) return hit;
  const key = load(spkiDer);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(id, key);
  return key;
}

function load(spkiDer: Uint8Array): KeyObject {
  const [algorithm, subjectPublicKey] = readSequence(readDer(spkiDer), 2, 2);
  const [oid] = readSequence(algorithm, 1, 2);
  if (readOid(oid) === RSA_ENCRYPTION) {
    const { bytes } = readBitString(subjectPublicKey);
    const [n, e] = readSequence(readDer(bytes), 2, 2);
    return createPublicKey({ key: { kty: 'RSA', n: b64u(unsigned(readIntegerBytes(n))), e: b64u(unsigned(readIntegerBytes(e))) }, format: 'jwk' });
  }
  return createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
}
