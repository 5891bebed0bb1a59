// GetCACert response (RFC 8894 §4.2.1): a single certificate as DER, or the RA and CA
// certificates as a degenerate PKCS#7 with the x-x509-ca-ra-cert content type.
import { degenerateSignedData } from './degenerate-signed-data';

export const CA_CERT_CONTENT_TYPE = 'application/x-x509-ca-cert';
export const CA_RA_CERT_CONTENT_TYPE = 'application/x-x509-ca-ra-cert';

/**
 * Pass the RA certificate first, then the issuing intermediate, then the root. Apple and Windows
 * pick the RA by its keyUsage. micromdm's scepclient (v2.1) encrypts to every certificate it is
 * given and panics on an EC one, so it needs `-ca-fingerprint <RA sha256>` with this list, or a
 * list of the RA alone (see scep-e2e.test.ts).
 */
export function caCertResponse(certificates: Uint8Array[]): { body: Buffer; contentType: string } {
  if (certificates.length === 0) throw new Error('GetCACert needs at least one certificate');
  if (certificates.length === 1) {
    return { body: Buffer.from(certificates[0]), contentType: CA_CERT_CONTENT_TYPE };
  }
  return { body: degenerateSignedData(certificates), contentType: CA_RA_CERT_CONTENT_TYPE };
}
