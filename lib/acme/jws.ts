// ACME request bodies: a JWS in flattened JSON serialization (RFC 7515 §7.2.2) with the protected
// header RFC 8555 §6.2 asks for: alg, nonce, url and exactly one of jwk or kid. Parsing checks
// the shape; verifyJws checks the signature against the key the server chose.
import { verify, type KeyObject } from 'node:crypto';
import { decodeBase64Url } from './base64url';
import { readPublicJwk, type PublicJwk } from './jwk';
import { AcmeProblem } from './problem';

export const jwsAlgorithms = ['ES256', 'ES384', 'RS256', 'EdDSA'] as const;
export type JwsAlgorithm = (typeof jwsAlgorithms)[number];

export interface JwsProtectedHeader {
  alg: JwsAlgorithm;
  nonce: string;
  url: string;
  jwk?: PublicJwk;
  kid?: string;
}

export interface ParsedJws {
  header: JwsProtectedHeader;
  /** The payload text; "" for POST-as-GET (RFC 8555 §6.3). */
  payloadText: string;
  /** The parsed JSON payload, or null for POST-as-GET. */
  payload: unknown;
  signingInput: Buffer;
  signature: Buffer;
}

const malformed = (detail: string) => new AcmeProblem('malformed', detail);

function badAlgorithm(alg: unknown): AcmeProblem {
  const p = new AcmeProblem('badSignatureAlgorithm', `The JWS algorithm ${JSON.stringify(alg)} is not supported; use one of ${jwsAlgorithms.join(', ')}`);
  p.algorithms = [...jwsAlgorithms];
  return p;
}

function jsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(`${what} is not JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw malformed(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** Parses the request body; every deviation from RFC 8555 §6.2 is a problem document. */
export function parseJws(body: string): ParsedJws {
  const jws = jsonObject(body, 'The request body');
  if ('signatures' in jws) throw malformed('The JWS must use the flattened JSON serialization with a single signature');
  if ('header' in jws) throw malformed('The JWS must not have an unprotected header');
  const { protected: protectedB64, payload: payloadB64, signature: signatureB64 } = jws;
  if (typeof protectedB64 !== 'string' || typeof payloadB64 !== 'string' || typeof signatureB64 !== 'string') {
    throw malformed('The JWS needs string "protected", "payload" and "signature" members');
  }
  const protectedBytes = decodeBase64Url(protectedB64);
  const payloadBytes = decodeBase64Url(payloadB64);
  const signature = decodeBase64Url(signatureB64);
  if (!protectedBytes || !payloadBytes || !signature) throw malformed('The JWS members must be base64url without padding');
  const h = jsonObject(protectedBytes.toString('utf8'), 'The protected header');

  if (!(jwsAlgorithms as readonly unknown[]).includes(h.alg)) throw badAlgorithm(h.alg);
  if ('b64' in h || 'crit' in h) throw malformed('The JWS must not use "b64" or "crit" (RFC 8555 §6.2)');
  if (typeof h.nonce !== 'string' || !h.nonce) throw new AcmeProblem('badNonce', 'The protected header has no nonce');
  if (typeof h.url !== 'string' || !h.url) throw malformed('The protected header has no "url"');
  const hasJwk = h.jwk !== undefined;
  const hasKid = h.kid !== undefined;
  if (hasJwk === hasKid) throw malformed('The protected header must contain exactly one of "jwk" and "kid"');
  if (hasKid && (typeof h.kid !== 'string' || !h.kid)) throw malformed('The "kid" header must be an account URL');

  const header: JwsProtectedHeader = {
    alg: h.alg as JwsAlgorithm,
    nonce: h.nonce,
    url: h.url,
    ...(hasJwk ? { jwk: readPublicJwk(h.jwk) } : { kid: h.kid as string }),
  };

  const payloadText = payloadBytes.toString('utf8');
  const payload = payloadText === '' ? null : jsonObject(payloadText, 'The JWS payload');
  return {
    header,
    payloadText,
    payload,
    signingInput: Buffer.from(`${protectedB64}.${payloadB64}`, 'ascii'),
    signature,
  };
}

/** Whether the key fits the algorithm (RFC 7518 §3.1, RFC 8037 §3.1). */
export function algorithmMatchesKey(alg: JwsAlgorithm, key: KeyObject): boolean {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  switch (alg) {
    case 'ES256':
      return key.asymmetricKeyType === 'ec' && curve === 'prime256v1';
    case 'ES384':
      return key.asymmetricKeyType === 'ec' && curve === 'secp384r1';
    case 'RS256':
      return key.asymmetricKeyType === 'rsa';
    case 'EdDSA':
      return key.asymmetricKeyType === 'ed25519';
  }
}

/**
 * Checks the signature with the account key. A key that does not fit the algorithm is
 * badSignatureAlgorithm; a wrong signature is malformed (RFC 8555 §6.2).
 */
export function verifyJws(jws: ParsedJws, key: KeyObject): void {
  const { alg } = jws.header;
  if (!algorithmMatchesKey(alg, key)) throw badAlgorithm(alg);
  let ok = false;
  try {
    if (alg === 'EdDSA') ok = verify(null, jws.signingInput, key, jws.signature);
    else if (alg === 'RS256') ok = verify('sha256', jws.signingInput, key, jws.signature);
    else {
      // JWS ECDSA signatures are r||s of fixed width (RFC 7518 §3.4), not DER.
      const width = alg === 'ES256' ? 64 : 96;
      ok = jws.signature.length === width && verify(alg === 'ES256' ? 'sha256' : 'sha384', jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
    }
  } catch {
    ok = false;
  }
  if (!ok) throw malformed('The JWS signature does not verify');
}
