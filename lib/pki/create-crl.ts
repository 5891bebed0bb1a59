// Builds a signed X.509 v2 CRL (RFC 5280 §5): revoked serials with dates and reason codes
// (§5.3.1), the CRL number (§5.2.3) and the issuer's key identifier (§5.2.1).
import type { KeyObject } from 'node:crypto';
import { createSigner } from './create-signer';
import { bitString, explicit, integer, sequence, time } from './der-writer';
import {
  authorityKeyIdentifier,
  crlNumber as crlNumberExtension,
  crlReason,
  encodeExtensions,
  keyIdentifier,
} from './extensions';
import { parseCertificate } from './parse-certificate';
import { toPem } from './pem';

/** RFC 5280 §5.3.1 CRLReason codes (7 is unused; removeFromCRL only belongs in delta CRLs). */
export const CrlReason = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type CrlReasonCode = (typeof CrlReason)[keyof typeof CrlReason];

export interface RevokedCertificate {
  /** Hex serial, any case, with or without colons or a leading 00. */
  serialNumberHex: string;
  revokedAt: Date;
  reason?: CrlReasonCode;
}

export interface CreateCrlInput {
  issuerCertificate: Uint8Array | string;
  issuerPrivateKey: KeyObject | string;
  revoked: RevokedCertificate[];
  /** Monotonically increasing per issuer (RFC 5280 §5.2.3). */
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
}

export interface CreatedCrl {
  crlDer: Buffer;
  crlPem: string;
}

const VALID_REASONS = new Set<number>(Object.values(CrlReason));

function serialBytes(hex: string): Buffer {
  const clean = hex.replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(clean) || clean.length > 40) throw new Error(`bad serial number ${hex}`);
  return Buffer.from(clean.length % 2 ? '0' + clean : clean, 'hex');
}

export function createCrl(input: CreateCrlInput): CreatedCrl {
  if (input.nextUpdate.getTime() <= input.thisUpdate.getTime()) throw new Error('nextUpdate must follow thisUpdate');
  if (input.crlNumber < 0n || input.crlNumber >= 2n ** 159n) throw new Error('crlNumber out of range');
  const issuer = parseCertificate(input.issuerCertificate);
  const signer = createSigner(input.issuerPrivateKey);

  const seen = new Set<string>();
  const entries = input.revoked.map((entry) => {
    const serial = serialBytes(entry.serialNumberHex);
    const key = BigInt('0x' + serial.toString('hex')).toString(16);
    if (seen.has(key)) throw new Error(`serial ${entry.serialNumberHex} listed twice`);
    seen.add(key);
    const parts = [integer(serial), time(entry.revokedAt)];
    if (entry.reason !== undefined) {
      if (!VALID_REASONS.has(entry.reason)) throw new Error(`bad CRL reason ${entry.reason}`);
      // §5.3.1: the reason code SHOULD be absent rather than "unspecified".
      if (entry.reason !== CrlReason.unspecified) parts.push(encodeExtensions([crlReason(entry.reason)]));
    }
    return sequence(...parts);
  });

  const issuerKeyId = issuer.subjectKeyIdentifier ?? keyIdentifier(issuer.subjectPublicKeyInfoDer);
  const tbs = sequence(
    integer(1), // v2
    signer.algorithm,
    issuer.subjectDer,
    time(input.thisUpdate),
    time(input.nextUpdate),
    // §5.1.2.6: an empty list is omitted, not encoded as an empty SEQUENCE.
    ...(entries.length ? [sequence(...entries)] : []),
    explicit(0, encodeExtensions([authorityKeyIdentifier(issuerKeyId), crlNumberExtension(input.crlNumber)])),
  );
  const crlDer = sequence(tbs, signer.algorithm, bitString(signer.sign(tbs)));
  return { crlDer, crlPem: toPem(crlDer, 'X509 CRL') };
}
