// Inputs shared by the Fleet profile generators (connect-fleet-dm seed; Fleet "Smallstep" CA type).

/**
 * Which Subject the device puts in its SCEP request. Both carry the Fleet renewal marker in OU and
 * the host UUID and serial as SAN URIs, so Tessera can bind the request to an inventory device.
 * - `host-uuid`: CN = the Fleet host UUID (Tessera's default: the CN names the device).
 * - `agent-bootstrap`: CN = `step-agent-bootstrap`, the seed's bootstrap identity the Smallstep
 *   agent looks up by keychain label.
 */
export type CertificateSubjectChoice = 'host-uuid' | 'agent-bootstrap';

/** Hash that names the root on Windows (CAThumbprint, RootCATrustedCertificates node). */
export type WindowsThumbprintAlgorithm = 'sha256' | 'sha1';

export interface FleetProfileInput {
  /** Tessera team slug; the agent registers with it. */
  teamSlug: string;
  /** Display name only (PayloadOrganization, descriptions). */
  teamName: string;
  /** The CA name the admin gives Fleet; suffix of the Fleet variables. See validateCaName. */
  caName: string;
  /** The Agents root CA certificate, PEM. */
  rootCaPem: string;
  /** SHA-256 of the root's DER, hex (colons and case are ignored). Must match rootCaPem. */
  rootFingerprintSha256: string;
  /** Tessera's public base URL, e.g. https://tessera.example.com */
  tesseraUrl: string;
  /** The SCEP URL Fleet proxies to (Fleet CA "url"). */
  scepUrl: string;
  /** The challenge webhook URL (Fleet CA "challenge_url"). */
  challengeUrl: string;
  certificateSubject: CertificateSubjectChoice;
  /**
   * The seed (Smallstep's Windows profile) uses the SHA-256 root fingerprint; Microsoft's CSP
   * reference documents a 20-byte SHA-1 thumbprint. Defaults to the seed's 'sha256'.
   */
  windowsThumbprint?: WindowsThumbprintAlgorithm;
}

const CA_NAME = /^[A-Za-z0-9_]+$/;

/** Fleet's rule for CA names (letters, digits, underscore), capped at 64 characters. */
export function validateCaName(caName: string): string | null {
  if (caName.length === 0) return 'CA name is required';
  if (caName.length > 64) return 'CA name must be at most 64 characters';
  if (!CA_NAME.test(caName)) return 'CA name may contain only letters, digits and underscores';
  return null;
}
