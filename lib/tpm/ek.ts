// Endorsement keys: the EK URI that names a TPM (urn:ek:sha256:<base64 SHA-256 of the DER SPKI>),
// the EK public key in an EK certificate (TCG EK Credential Profile §3.2), the TPM model it names,
// and the TCG default EK templates for a device that sends only a key or a certificate.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { isContext, readConstructed, readDer, readSequence } from '@/lib/pki/der-reader';
import { parseName } from '@/lib/pki/distinguished-name';
import { OID } from '@/lib/pki/oids';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { TPM_ALG, TPM_ECC_CURVE, objectAttributes } from './constants';
import { TpmError } from './errors';
import { marshalTpmtPublic, parseTpmtPublic, uniqueFromKey, type TpmtPublic } from './public-area';

export const EK_URI_PREFIX = 'urn:ek:sha256:';
const EK_URI = /^urn:ek:sha256:[A-Za-z0-9+/]{43}=$/;

/** Canonical DER SPKI of a public key (what the EK URI hashes, however the key was encoded). */
export function canonicalSpki(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

export function ekUriOf(key: KeyObject): string {
  return EK_URI_PREFIX + createHash('sha256').update(canonicalSpki(key)).digest('base64');
}

export function isEkUri(value: string): boolean {
  return EK_URI.test(value);
}

/**
 * The public key of an EK certificate. Some vendors label an RSA EK's SPKI id-RSAES-OAEP
 * (1.2.840.113549.1.1.7), which Node does not load; the key inside is a plain RSAPublicKey.
 */
export function ekCertificatePublicKey(cert: ParsedCertificate): KeyObject {
  if (cert.publicKeyAlgorithm.oid === OID.rsaesOaep) {
    try {
      return createPublicKey({ key: Buffer.from(cert.subjectPublicKey), format: 'der', type: 'pkcs1' });
    } catch (err) {
      throw new TpmError('malformed', 'the EK certificate holds an unreadable RSA-OAEP key', { cause: err });
    }
  }
  try {
    return cert.publicKey();
  } catch (err) {
    throw new TpmError('unsupported', `the EK certificate's key type (${cert.publicKeyAlgorithm.oid}) is not supported`, { cause: err });
  }
}

export interface TpmDeviceInfo {
  manufacturer?: string;
  model?: string;
  version?: string;
}

const TCG_AT = { manufacturer: '2.23.133.2.1', model: '2.23.133.2.2', version: '2.23.133.2.3' } as const;

/** TPM manufacturer, model and firmware version from the EK certificate's SAN directoryName. */
export function tpmDeviceInfo(certificate: ParsedCertificate | Uint8Array): TpmDeviceInfo {
  const cert = certificate instanceof Uint8Array ? parseCertificate(certificate) : certificate;
  const san = cert.extensions.find((e) => e.oid === OID.subjectAltName);
  const info: TpmDeviceInfo = {};
  if (!san) return info;
  try {
    for (const name of readSequence(readDer(san.value))) {
      if (!isContext(name, 4)) continue; // directoryName [4] EXPLICIT Name
      for (const attr of parseName(readConstructed(name)[0])) {
        if (attr.type === TCG_AT.manufacturer) info.manufacturer = attr.value;
        if (attr.type === TCG_AT.model) info.model = attr.value;
        if (attr.type === TCG_AT.version) info.version = attr.value;
      }
    }
  } catch {
    // The hardware details are informational; an odd SAN does not make the EK unusable.
  }
  return info;
}

// TCG EK Credential Profile 2.5 §2.2.1.4 templates: L-1 (RSA 2048), L-2 (P-256), H-4 (RSA 3072),
// H-5 (P-384), H-6 (P-521). Only nameAlg and the symmetric definition matter to MakeCredential.
const LOW_POLICY = Buffer.from('837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa', 'hex');
const LOW_ATTRIBUTES = objectAttributes(['fixedTPM', 'fixedParent', 'sensitiveDataOrigin', 'adminWithPolicy', 'restricted', 'decrypt']);
const HIGH_ATTRIBUTES = objectAttributes(['fixedTPM', 'fixedParent', 'sensitiveDataOrigin', 'userWithAuth', 'adminWithPolicy', 'restricted', 'decrypt']);

/**
 * The public area a TPM's EK has under the TCG default template for this key. Used when a device
 * sends its EK as a certificate or SPKI only; authPolicy of the high-range templates is left empty
 * (it changes the EK's Name, which the credential exchange does not use).
 */
export function defaultEkPublicArea(key: KeyObject): TpmtPublic {
  const unique = uniqueFromKey(key);
  const sym = (bits: number) => ({ algorithm: TPM_ALG.AES, keyBits: bits, mode: TPM_ALG.CFB });
  let bytes: Buffer;
  if ('modulus' in unique) {
    const high = unique.keyBits > 2048;
    bytes = marshalTpmtPublic({
      kind: 'rsa',
      nameAlg: high ? TPM_ALG.SHA384 : TPM_ALG.SHA256,
      objectAttributes: high ? HIGH_ATTRIBUTES : LOW_ATTRIBUTES,
      authPolicy: high ? new Uint8Array() : LOW_POLICY,
      symmetric: sym(high ? 256 : 128),
      scheme: { scheme: TPM_ALG.NULL },
      keyBits: unique.keyBits,
      exponent: unique.exponent,
      modulus: unique.modulus,
    });
  } else {
    const p256 = unique.curveId === TPM_ECC_CURVE.NIST_P256;
    const p521 = unique.curveId === TPM_ECC_CURVE.NIST_P521;
    bytes = marshalTpmtPublic({
      kind: 'ecc',
      nameAlg: p256 ? TPM_ALG.SHA256 : p521 ? TPM_ALG.SHA512 : TPM_ALG.SHA384,
      objectAttributes: p256 ? LOW_ATTRIBUTES : HIGH_ATTRIBUTES,
      authPolicy: p256 ? LOW_POLICY : new Uint8Array(),
      symmetric: sym(p256 ? 128 : 256),
      scheme: { scheme: TPM_ALG.NULL },
      curveId: unique.curveId,
      kdf: { scheme: TPM_ALG.NULL },
      x: unique.x,
      y: unique.y,
    });
  }
  return parseTpmtPublic(bytes);
}

/**
 * The DER certificate at the start of an NV read. EK certificate NV indices are commonly larger
 * than the certificate (swtpm, several vendors), so the DER is followed by padding; reading the
 * outer SEQUENCE length gives the certificate exactly.
 */
export function certificateFromNv(bytes: Uint8Array): Buffer {
  if (bytes.length < 4 || bytes[0] !== 0x30) throw new TpmError('malformed', 'the EK certificate is not DER (it does not start with a SEQUENCE)');
  let length: number;
  let header: number;
  if (bytes[1] < 0x80) {
    length = bytes[1];
    header = 2;
  } else {
    const n = bytes[1] & 0x7f;
    if (n === 0 || n > 3 || bytes.length < 2 + n) throw new TpmError('malformed', 'the EK certificate has a bad DER length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[2 + i];
    header = 2 + n;
  }
  if (header + length > bytes.length) throw new TpmError('malformed', 'the EK certificate is truncated');
  return Buffer.from(bytes.subarray(0, header + length));
}
