// Checks a FleetProfileInput once and derives what every generator needs (root DER, thumbprints,
// Fleet variable names), so the generators only lay out text.
import { createHash } from 'node:crypto';
import { toDer } from '../pki/pem';
import { fleetVariables, type FleetVariables } from './fleet-variables';
import { validateCaName, type FleetProfileInput, type WindowsThumbprintAlgorithm } from './types';

export class FleetProfileInputError extends Error {
  constructor(
    readonly field: keyof FleetProfileInput,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'FleetProfileInputError';
  }
}

export interface ResolvedProfileInput extends FleetProfileInput {
  rootDer: Buffer;
  /** Base64 of the root DER on one line (RootCATrustedCertificates refuses line breaks). */
  rootBase64: string;
  /** Lowercase hex, no separators. */
  rootSha256Hex: string;
  rootSha1Hex: string;
  /** Uppercase hex of the hash chosen by windowsThumbprint. */
  windowsThumbprintHex: string;
  windowsThumbprintAlgorithm: WindowsThumbprintAlgorithm;
  vars: FleetVariables;
}

function normaliseHex(hex: string): string {
  return hex.replace(/[\s:]/g, '').toLowerCase();
}

function requireHttpUrl(input: FleetProfileInput, field: 'tesseraUrl' | 'scepUrl' | 'challengeUrl'): void {
  let url: URL;
  try {
    url = new URL(input[field]);
  } catch {
    throw new FleetProfileInputError(field, 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FleetProfileInputError(field, 'must be an http(s) URL');
  }
}

export function resolveProfileInput(input: FleetProfileInput): ResolvedProfileInput {
  const caNameError = validateCaName(input.caName);
  if (caNameError) throw new FleetProfileInputError('caName', caNameError);
  if (!input.teamSlug.trim()) throw new FleetProfileInputError('teamSlug', 'is required');
  for (const field of ['tesseraUrl', 'scepUrl', 'challengeUrl'] as const) requireHttpUrl(input, field);

  let rootDer: Buffer;
  try {
    rootDer = toDer(input.rootCaPem, 'CERTIFICATE');
  } catch {
    throw new FleetProfileInputError('rootCaPem', 'must hold a PEM CERTIFICATE block');
  }
  const rootSha256Hex = createHash('sha256').update(rootDer).digest('hex');
  const rootSha1Hex = createHash('sha1').update(rootDer).digest('hex');
  // A fingerprint that does not match the certificate would pin devices to a CA they never get.
  if (normaliseHex(input.rootFingerprintSha256) !== rootSha256Hex) {
    throw new FleetProfileInputError('rootFingerprintSha256', 'does not match the SHA-256 of rootCaPem');
  }

  const windowsThumbprintAlgorithm = input.windowsThumbprint ?? 'sha256';
  return {
    ...input,
    rootDer,
    rootBase64: rootDer.toString('base64'),
    rootSha256Hex,
    rootSha1Hex,
    windowsThumbprintHex: (windowsThumbprintAlgorithm === 'sha1' ? rootSha1Hex : rootSha256Hex).toUpperCase(),
    windowsThumbprintAlgorithm,
    vars: fleetVariables(input.caName),
  };
}
