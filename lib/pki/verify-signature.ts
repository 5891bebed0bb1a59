// Signature verification for X.509, PKCS#10 and CMS SignerInfo (RFC 5280 §4.1.1.2,
// RFC 2986 §4.2, RFC 5652 §5.4), through node:crypto so no WebCrypto algorithm limits apply.
import { verify, type KeyObject } from 'node:crypto';
import { signatureSchemeForOid, type DigestName } from './algorithms';
import type { AlgorithmIdentifier } from './parse-certificate';

export class UnsupportedAlgorithmError extends Error {
  constructor(public readonly oid: string) {
    super(`unsupported algorithm ${oid}`);
    this.name = 'UnsupportedAlgorithmError';
  }
}

export interface VerifySignatureInput {
  algorithm: AlgorithmIdentifier;
  /** Needed when the algorithm is plain rsaEncryption, as CMS SignerInfo allows. */
  digest?: DigestName;
  publicKey: KeyObject;
  data: Uint8Array;
  signature: Uint8Array;
}

/**
 * True when the signature is valid. A well-formed but wrong or mismatched signature is false;
 * an algorithm we refuse (MD5, PSS, unknown) throws UnsupportedAlgorithmError, because the
 * two map to different SCEP failInfo codes (badMessageCheck vs badAlg).
 */
export function verifySignature(input: VerifySignatureInput): boolean {
  const scheme = signatureSchemeForOid(input.algorithm.oid);
  if (!scheme) throw new UnsupportedAlgorithmError(input.algorithm.oid);
  if (input.publicKey.asymmetricKeyType !== scheme.keyType) return false;
  const digest = scheme.digest ?? input.digest;
  if (scheme.keyType !== 'ed25519' && !digest) throw new UnsupportedAlgorithmError(input.algorithm.oid);
  try {
    return verify(
      scheme.keyType === 'ed25519' ? null : digest!,
      input.data,
      input.publicKey,
      input.signature,
    );
  } catch {
    // OpenSSL rejects some malformed signatures by throwing rather than returning false.
    return false;
  }
}
