// Account keys as JSON Web Keys (RFC 7517, RFC 7518 §6, RFC 8037): the public members we accept,
// their Node KeyObject, and the RFC 7638 thumbprint that names an account and ends every key
// authorization.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { decodeBase64Url, encodeBase64Url } from './base64url';
import { AcmeProblem } from './problem';

export type PublicJwk =
  | { kty: 'EC'; crv: 'P-256' | 'P-384'; x: string; y: string }
  | { kty: 'RSA'; n: string; e: string }
  | { kty: 'OKP'; crv: 'Ed25519'; x: string };

const EC_SIZES = { 'P-256': 32, 'P-384': 48 } as const;
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;

const bad = (detail: string) => new AcmeProblem('badPublicKey', detail);

function member(jwk: Record<string, unknown>, name: string): string {
  const value = jwk[name];
  if (typeof value !== 'string' || !value) throw bad(`The JWK has no "${name}" member`);
  if (!decodeBase64Url(value)) throw bad(`The JWK member "${name}" is not base64url`);
  return value;
}

/**
 * The public members of a client's JWK, checked: a private key ("d"), an unknown key type or curve,
 * or a short RSA modulus is refused with badPublicKey.
 */
export function readPublicJwk(input: unknown): PublicJwk {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new AcmeProblem('malformed', 'The "jwk" header must be a JSON object');
  const jwk = input as Record<string, unknown>;
  for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
    if (priv in jwk) throw bad('The JWK contains private key material');
  }
  switch (jwk.kty) {
    case 'EC': {
      const crv = jwk.crv;
      if (crv !== 'P-256' && crv !== 'P-384') throw bad(`EC curve ${String(crv)} is not supported; use P-256 or P-384`);
      const x = member(jwk, 'x');
      const y = member(jwk, 'y');
      if (decodeBase64Url(x)!.length !== EC_SIZES[crv] || decodeBase64Url(y)!.length !== EC_SIZES[crv]) {
        throw bad(`The ${crv} coordinates have the wrong length`);
      }
      return { kty: 'EC', crv, x, y };
    }
    case 'RSA': {
      const n = member(jwk, 'n');
      const e = member(jwk, 'e');
      const bits = bitLength(decodeBase64Url(n)!);
      if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) throw bad(`RSA keys must have ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits (this one has ${bits})`);
      return { kty: 'RSA', n, e };
    }
    case 'OKP': {
      if (jwk.crv !== 'Ed25519') throw bad(`OKP curve ${String(jwk.crv)} is not supported; use Ed25519`);
      const x = member(jwk, 'x');
      if (decodeBase64Url(x)!.length !== 32) throw bad('An Ed25519 key has 32 bytes');
      return { kty: 'OKP', crv: 'Ed25519', x };
    }
    default:
      throw bad(`Key type ${String(jwk.kty)} is not supported; use EC, RSA or OKP`);
  }
}

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i) * 8 - Math.clz32(bytes[i]) + 24;
}

/** Loads the key; a point not on the curve or a malformed modulus is badPublicKey. */
export function jwkToKeyObject(jwk: PublicJwk): KeyObject {
  try {
    return createPublicKey({ key: jwk as never, format: 'jwk' });
  } catch {
    throw bad('The JWK is not a valid public key');
  }
}

/** RFC 7638 §3: SHA-256 over the required members in lexicographic order, base64url. */
export function jwkThumbprint(jwk: PublicJwk): string {
  const canonical =
    jwk.kty === 'EC'
      ? JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })
      : jwk.kty === 'RSA'
        ? JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })
        : JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return encodeBase64Url(createHash('sha256').update(canonical, 'utf8').digest());
}

/** The JWK of a Node public key, reduced to the members readPublicJwk accepts. */
export function keyObjectToJwk(key: KeyObject): PublicJwk {
  return readPublicJwk(key.export({ format: 'jwk' }));
}
