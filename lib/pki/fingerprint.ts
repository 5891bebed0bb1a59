// SHA-256 certificate fingerprints in the two forms people paste: plain lowercase hex
// (step, scepclient -ca-fingerprint) and colon-separated uppercase (openssl, Apple, Windows).
import { createHash } from 'node:crypto';
import { toDer } from './pem';

export interface CertificateFingerprint {
  /** e.g. "3f1a...". */
  hex: string;
  /** e.g. "3F:1A:...". */
  colonHex: string;
}

export function certificateFingerprint(certificate: Uint8Array | string): CertificateFingerprint {
  const hex = createHash('sha256').update(toDer(certificate, 'CERTIFICATE')).digest('hex');
  return { hex, colonHex: hex.toUpperCase().match(/../g)!.join(':') };
}
