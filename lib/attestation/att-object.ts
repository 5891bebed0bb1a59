// The attestation object of draft-acme-device-attest §4: base64url of a CBOR map {fmt, attStmt}
// (the WebAuthn attestation object, whose authData the draft leaves out). Bounded in size and
// checked in shape before any format looks at it; every failure is an AttestationError.
import { decode } from 'cborg';
import { decodeBase64Url } from '@/lib/acme/base64url';
import { AttestationError } from './errors';

/** Apple sends two certificates, a TPM an AK chain and a few hundred bytes; 64 KiB is generous. */
export const MAX_ATTESTATION_OBJECT_BYTES = 64 * 1024;

export interface AttestationObject {
  fmt: string;
  attStmt: Record<string, unknown>;
}

/** Decodes the base64url text a client sends as `attObj`. */
export function decodeAttestationObject(attObj: string, maxBytes = MAX_ATTESTATION_OBJECT_BYTES): AttestationObject {
  if (typeof attObj !== 'string' || attObj.length === 0) throw new AttestationError('malformed', 'attObj must be a non-empty base64url string');
  if (attObj.length > Math.ceil((maxBytes * 4) / 3) + 4) {
    throw new AttestationError('malformed', `attObj is larger than ${maxBytes} bytes`);
  }
  const bytes = decodeBase64Url(attObj);
  if (!bytes) throw new AttestationError('malformed', 'attObj is not base64url (RFC 4648 §5, no padding)');
  if (bytes.length > maxBytes) throw new AttestationError('malformed', `attObj is larger than ${maxBytes} bytes`);
  return decodeAttestationObjectBytes(bytes);
}

export function decodeAttestationObjectBytes(bytes: Uint8Array): AttestationObject {
  let value: unknown;
  try {
    value = decode(bytes, {
      rejectDuplicateMapKeys: true,
      allowUndefined: false,
      allowInfinity: false,
      allowNaN: false,
      allowBigInt: false,
    });
  } catch (err) {
    // cborg's messages name the offending byte; a stack overflow from hostile nesting lands here too.
    const reason = err instanceof RangeError ? 'nested too deeply' : (err as Error).message.replace(/^CBOR decode error: /, '');
    throw new AttestationError('badAttestationStatement', `attObj is not well-formed CBOR: ${reason.slice(0, 200)}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    throw new AttestationError('badAttestationStatement', 'attObj must be a CBOR map with "fmt" and "attStmt"');
  }
  const { fmt, attStmt } = value as Record<string, unknown>;
  if (typeof fmt !== 'string' || !fmt) throw new AttestationError('badAttestationStatement', 'attObj has no "fmt" text string');
  if (!attStmt || typeof attStmt !== 'object' || Array.isArray(attStmt) || attStmt instanceof Uint8Array) {
    throw new AttestationError('badAttestationStatement', 'attObj has no "attStmt" map');
  }
  return { fmt, attStmt: attStmt as Record<string, unknown> };
}

/** attStmt.x5c as DER certificates, leaf first; the count is bounded. */
export function readX5c(attStmt: Record<string, unknown>, maxCertificates = 5): Uint8Array[] {
  const x5c = attStmt.x5c;
  if (x5c === undefined) throw new AttestationError('badAttestationStatement', 'attStmt has no x5c certificate chain');
  if (!Array.isArray(x5c)) throw new AttestationError('badAttestationStatement', 'attStmt.x5c must be an array of certificates');
  if (x5c.length === 0) throw new AttestationError('badAttestationStatement', 'attStmt.x5c is empty');
  if (x5c.length > maxCertificates) throw new AttestationError('badAttestationStatement', `attStmt.x5c has more than ${maxCertificates} certificates`);
  return x5c.map((c, i) => {
    if (!(c instanceof Uint8Array) || c.length === 0) throw new AttestationError('badAttestationStatement', `attStmt.x5c[${i}] is not a DER certificate byte string`);
    return c;
  });
}
