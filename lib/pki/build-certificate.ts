// Assembles and signs an X.509 v3 certificate (RFC 5280 §4.1) from already-encoded parts, so
// the subject and public key of a CSR reach the certificate byte for byte.
import { randomBytes } from 'node:crypto';
import type { Signer } from './create-signer';
import { bitString, explicit, integer, sequence, time } from './der-writer';
import { encodeExtensions, type EncodedExtension } from './extensions';

export interface CertificateTemplate {
  /** Unsigned big-endian serial bytes. */
  serialNumber: Uint8Array;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  subjectPublicKeyInfoDer: Uint8Array;
  extensions: EncodedExtension[];
  signer: Signer;
}

/**
 * 16 random bytes with the top bit clear and the next one set: always positive, always exactly
 * 128 bits (CA/B Forum asks for at least 64 bits of entropy; 126 here).
 */
export function randomSerialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x40;
  return serial;
}

export function buildCertificate(t: CertificateTemplate): Buffer {
  if (!(t.notAfter.getTime() > t.notBefore.getTime())) throw new Error('notAfter must be after notBefore');
  const tbs = sequence(
    explicit(0, integer(2)), // v3
    integer(t.serialNumber),
    t.signer.algorithm,
    t.issuerDer,
    sequence(time(t.notBefore), time(t.notAfter)),
    t.subjectDer,
    t.subjectPublicKeyInfoDer,
    ...(t.extensions.length ? [explicit(3, encodeExtensions(t.extensions))] : []),
  );
  return sequence(tbs, t.signer.algorithm, bitString(t.signer.sign(tbs)));
}
