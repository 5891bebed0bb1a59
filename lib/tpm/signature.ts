// TPMT_SIGNATURE (TPM 2.0 Part 2 §11.3.4): parse, encode, verify with Node crypto, and sign with a
// software key (tests and tooling produce statements a TPM would). RSASSA-PKCS1-v1_5, RSASSA-PSS
// and ECDSA are supported; the other schemes are read but not verified.
import { constants, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { TPM_ALG, algName } from './constants';
import { TpmError } from './errors';
import { hashInfo, isHashAlg } from './hash';
import { TpmReader, tpm2b, u16 } from './marshal';
import { fixedSize } from './public-area';

export type TpmtSignature =
  | { sigAlg: typeof TPM_ALG.RSASSA | typeof TPM_ALG.RSAPSS; hashAlg: number; signature: Uint8Array }
  | { sigAlg: typeof TPM_ALG.ECDSA | typeof TPM_ALG.ECDAA | typeof TPM_ALG.SM2 | typeof TPM_ALG.ECSCHNORR; hashAlg: number; r: Uint8Array; s: Uint8Array }
  | { sigAlg: typeof TPM_ALG.HMAC; hashAlg: number; digest: Uint8Array }
  | { sigAlg: typeof TPM_ALG.NULL };

function readSignature(r: TpmReader): TpmtSignature {
  const sigAlg = r.u16('sigAlg');
  if (sigAlg === TPM_ALG.NULL) return { sigAlg };
  const hashAlg = r.u16('hash');
  if (!isHashAlg(hashAlg)) throw new TpmError('malformed', `signature hash ${algName(hashAlg)} is not a hash algorithm`);
  switch (sigAlg) {
    case TPM_ALG.RSASSA:
    case TPM_ALG.RSAPSS:
      return { sigAlg, hashAlg, signature: r.tpm2b('signature.sig', 512) };
    case TPM_ALG.ECDSA:
    case TPM_ALG.ECDAA:
    case TPM_ALG.SM2:
    case TPM_ALG.ECSCHNORR:
      return { sigAlg, hashAlg, r: r.tpm2b('signature.signatureR', 128), s: r.tpm2b('signature.signatureS', 128) };
    case TPM_ALG.HMAC:
      return { sigAlg, hashAlg, digest: r.bytesOf(hashInfo(hashAlg).size, 'signature.digest') };
    default:
      throw new TpmError('malformed', `signature algorithm ${algName(sigAlg)} is not a TPM signature scheme`);
  }
}

export function parseTpmtSignature(bytes: Uint8Array): TpmtSignature {
  const r = new TpmReader(bytes, 'TPMT_SIGNATURE');
  const sig = readSignature(r);
  r.end();
  return sig;
}

/** parseTpmtSignature, or null when the bytes are not a TPMT_SIGNATURE (e.g. a raw signature). */
export function tryParseTpmtSignature(bytes: Uint8Array): TpmtSignature | null {
  try {
    return parseTpmtSignature(bytes);
  } catch {
    return null;
  }
}

export function marshalTpmtSignature(sig: TpmtSignature): Buffer {
  switch (sig.sigAlg) {
    case TPM_ALG.NULL:
      return u16(sig.sigAlg);
    case TPM_ALG.RSASSA:
    case TPM_ALG.RSAPSS:
      return Buffer.concat([u16(sig.sigAlg), u16(sig.hashAlg), tpm2b(sig.signature)]);
    case TPM_ALG.HMAC:
      return Buffer.concat([u16(sig.sigAlg), u16(sig.hashAlg), sig.digest]);
    default:
      return Buffer.concat([u16(sig.sigAlg), u16(sig.hashAlg), tpm2b(sig.r), tpm2b(sig.s)]);
  }
}

function curveSize(key: KeyObject): number {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'prime256v1') return 32;
  if (curve === 'secp384r1') return 48;
  if (curve === 'secp521r1') return 66;
  throw new TpmError('unsupported', `ECDSA over curve ${curve ?? 'unknown'} is not supported`);
}

/**
 * True when `sig` is a valid signature over `data` by `key`. A scheme that does not fit the key
 * (ECDSA with an RSA key...) is false; a scheme we do not verify (ECDAA, SM2, HMAC) throws.
 */
export function verifyTpmSignature(sig: TpmtSignature, data: Uint8Array, key: KeyObject): boolean {
  if (sig.sigAlg === TPM_ALG.NULL) return false;
  const hash = hashInfo(sig.hashAlg).node;
  try {
    switch (sig.sigAlg) {
      case TPM_ALG.RSASSA:
        if (key.asymmetricKeyType !== 'rsa') return false;
        return nodeVerify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, sig.signature);
      case TPM_ALG.RSAPSS:
        if (key.asymmetricKeyType !== 'rsa') return false;
        // TPMs differ in salt length (digest size, or the maximum before TPM 2.0 rev 1.38); AUTO reads it.
        return nodeVerify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sig.signature);
      case TPM_ALG.ECDSA: {
        if (key.asymmetricKeyType !== 'ec') return false;
        const size = curveSize(key);
        if (sig.r.length > size + 1 || sig.s.length > size + 1) return false;
        const p1363 = Buffer.concat([fixedSize(sig.r, size, 'signatureR'), fixedSize(sig.s, size, 'signatureS')]);
        return nodeVerify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, p1363);
      }
      default:
        throw new TpmError('unsupported', `signature scheme ${algName(sig.sigAlg)} is not supported`);
    }
  } catch (err) {
    if (err instanceof TpmError && err.code === 'unsupported') throw err;
    // OpenSSL throws for some malformed signatures instead of returning false.
    return false;
  }
}

/** Signs like a TPM would (RSASSA, RSAPSS with digest-size salt, or ECDSA) and returns the TPMT_SIGNATURE. */
export function signAsTpm(data: Uint8Array, key: KeyObject, scheme: { sigAlg: number; hashAlg: number }): TpmtSignature {
  const hash = hashInfo(scheme.hashAlg);
  if (scheme.sigAlg === TPM_ALG.RSASSA) {
    return { sigAlg: TPM_ALG.RSASSA, hashAlg: scheme.hashAlg, signature: nodeSign(hash.node, data, { key, padding: constants.RSA_PKCS1_PADDING }) };
  }
  if (scheme.sigAlg === TPM_ALG.RSAPSS) {
    return {
      sigAlg: TPM_ALG.RSAPSS,
      hashAlg: scheme.hashAlg,
      signature: nodeSign(hash.node, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hash.size }),
    };
  }
  if (scheme.sigAlg === TPM_ALG.ECDSA) {
    const p1363 = nodeSign(hash.node, data, { key, dsaEncoding: 'ieee-p1363' });
    const half = p1363.length / 2;
    return { sigAlg: TPM_ALG.ECDSA, hashAlg: scheme.hashAlg, r: p1363.subarray(0, half), s: p1363.subarray(half) };
  }
  throw new TpmError('unsupported', `cannot sign with scheme ${algName(scheme.sigAlg)}`);
}
