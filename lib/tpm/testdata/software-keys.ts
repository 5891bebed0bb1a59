// Test helpers: TPM public areas for software keys, and private keys from the TPMT_SENSITIVE
// blobs of the published test vectors.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { TPM_ALG, objectAttributes, type ObjectAttributeName } from '../constants';
import { TpmReader } from '../marshal';
import { defaultEkPublicArea } from '../ek';
import { marshalTpmtPublic, parseTpmtPublic, uniqueFromKey, type SchemeDefinition, type TpmtPublic } from '../public-area';

export interface SoftwareKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  area: TpmtPublic;
}

export function softwareEk(kind: 'rsa' | 'p256' | 'p384' = 'rsa'): SoftwareKey {
  const pair = kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: kind === 'p256' ? 'P-256' : 'P-384' });
  return { ...pair, area: defaultEkPublicArea(pair.publicKey) };
}

export const AK_ATTRIBUTES: ObjectAttributeName[] = ['fixedTPM', 'fixedParent', 'sensitiveDataOrigin', 'userWithAuth', 'restricted', 'sign'];
export const DEVICE_KEY_ATTRIBUTES: ObjectAttributeName[] = ['fixedTPM', 'fixedParent', 'sensitiveDataOrigin', 'userWithAuth', 'sign'];

/** A signing key's public area as a TPM would report it, for a software key pair. */
export function signingArea(publicKey: KeyObject, attributes: ObjectAttributeName[] = AK_ATTRIBUTES, nameAlg: number = TPM_ALG.SHA256): TpmtPublic {
  const unique = uniqueFromKey(publicKey);
  const common = { nameAlg, objectAttributes: objectAttributes(attributes), authPolicy: new Uint8Array() };
  if ('modulus' in unique) {
    const scheme: SchemeDefinition = { scheme: TPM_ALG.RSASSA, hashAlg: TPM_ALG.SHA256 };
    return parseTpmtPublic(marshalTpmtPublic({ kind: 'rsa', ...common, symmetric: { algorithm: TPM_ALG.NULL }, scheme, keyBits: unique.keyBits, exponent: unique.exponent, modulus: unique.modulus }));
  }
  return parseTpmtPublic(
    marshalTpmtPublic({
      kind: 'ecc',
      ...common,
      symmetric: { algorithm: TPM_ALG.NULL },
      scheme: { scheme: TPM_ALG.ECDSA, hashAlg: TPM_ALG.SHA256 },
      curveId: unique.curveId,
      kdf: { scheme: TPM_ALG.NULL },
      x: unique.x,
      y: unique.y,
    }),
  );
}

export function softwareSigningKey(kind: 'rsa' | 'p256' = 'rsa', attributes?: ObjectAttributeName[]): SoftwareKey {
  const pair = kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...pair, area: signingArea(pair.publicKey, attributes) };
}

const big = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
const bytes = (n: bigint, len?: number) => {
  let h = n.toString(16);
  if (h.length % 2) h = `0${h}`;
  const b = Buffer.from(h, 'hex');
  return len && b.length < len ? Buffer.concat([Buffer.alloc(len - b.length), b]) : b;
};
function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

/** The private key of a TPMT_SENSITIVE (RSA: the prime p; ECC: the scalar d) for a public area. */
export function privateKeyFromSensitive(area: TpmtPublic, sensitive: Uint8Array): KeyObject {
  const r = new TpmReader(sensitive, 'TPMT_SENSITIVE');
  r.u16('sensitiveType');
  r.tpm2b('authValue');
  r.tpm2b('seedValue');
  const secret = r.tpm2b('sensitive');
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  if (area.kind === 'rsa') {
    const n = big(area.modulus);
    const e = BigInt(area.exponent === 0 ? 65537 : area.exponent);
    const p = big(secret);
    const q = n / p;
    const d = modInverse(e, (p - 1n) * (q - 1n));
    return createPrivateKey({
      key: { kty: 'RSA', n: b64(area.modulus), e: b64(bytes(e)), d: b64(bytes(d)), p: b64(bytes(p)), q: b64(bytes(q)), dp: b64(bytes(d % (p - 1n))), dq: b64(bytes(d % (q - 1n))), qi: b64(bytes(modInverse(q, p))) },
      format: 'jwk',
    });
  }
  if (area.kind === 'ecc') {
    const crv = { 3: 'P-256', 4: 'P-384', 5: 'P-521' }[area.curveId as 3 | 4 | 5];
    const size = { 'P-256': 32, 'P-384': 48, 'P-521': 66 }[crv];
    return createPrivateKey({ key: { kty: 'EC', crv, x: b64(bytes(big(area.x), size)), y: b64(bytes(big(area.y), size)), d: b64(bytes(big(secret), size)) }, format: 'jwk' });
  }
  throw new Error('unsupported');
}
