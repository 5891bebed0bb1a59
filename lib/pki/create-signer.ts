// Signing with a CA or RA private key: picks the signature AlgorithmIdentifier that matches
// the key (RFC 5758 ECDSA, RFC 4055 RSA, RFC 8410 Ed25519) and signs with node:crypto.
import { createPrivateKey, KeyObject, sign } from 'node:crypto';
import type { DigestName } from './algorithms';
import { algorithmIdentifier, nullValue } from './der-writer';
import { OID } from './oids';

export interface Signer {
  /** DER AlgorithmIdentifier to place in the signed structure and beside the signature. */
  algorithm: Buffer;
  privateKey: KeyObject;
  sign(data: Uint8Array): Buffer;
}

/** A KeyObject from a KeyObject, a PEM string or PKCS#8 DER bytes. */
export function toPrivateKey(key: KeyObject | string | Uint8Array): KeyObject {
  if (key instanceof KeyObject) return key;
  if (typeof key === 'string') return createPrivateKey(key);
  return createPrivateKey({ key: Buffer.from(key), format: 'der', type: 'pkcs8' });
}

const EC_DIGEST: Record<string, { digest: DigestName; oid: string }> = {
  prime256v1: { digest: 'sha256', oid: OID.ecdsaWithSha256 },
  secp384r1: { digest: 'sha384', oid: OID.ecdsaWithSha384 },
  secp521r1: { digest: 'sha512', oid: OID.ecdsaWithSha512 },
};

export function createSigner(key: KeyObject | string | Uint8Array): Signer {
  const privateKey = toPrivateKey(key);
  switch (privateKey.asymmetricKeyType) {
    case 'ec': {
      const curve = privateKey.asymmetricKeyDetails?.namedCurve ?? '';
      const scheme = EC_DIGEST[curve];
      if (!scheme) throw new Error(`unsupported EC curve ${curve}`);
      return {
        // RFC 5758 §3.2: ECDSA AlgorithmIdentifiers have absent parameters.
        algorithm: algorithmIdentifier(scheme.oid),
        privateKey,
        sign: (data) => sign(scheme.digest, data, { key: privateKey, dsaEncoding: 'der' }),
      };
    }
    case 'rsa':
      return {
        // RFC 4055 §5: NULL parameters for the PKCS#1 v1.5 signature OIDs.
        algorithm: algorithmIdentifier(OID.sha256WithRsa, nullValue()),
        privateKey,
        sign: (data) => sign('sha256', data, privateKey),
      };
    case 'ed25519':
      return {
        algorithm: algorithmIdentifier(OID.ed25519),
        privateKey,
        sign: (data) => sign(null, data, privateKey),
      };
    default:
      throw new Error(`unsupported signing key type ${privateKey.asymmetricKeyType}`);
  }
}
