// draft-acme-device-attest §5: checks an attestation object for a challenge and says which
// device it proves and which key. `apple` chains to the Apple roots and binds the token through
// its freshness code; `tpm` chains the AK to Tessera's attestation CA and binds the key
// authorization through certInfo.extraData (lib/attestation/tpm.ts).
import { createHash } from 'node:crypto';
import type { Db } from '@/server/db';
import { env } from '@/lib/env';
import { AcmeProblem } from '@/lib/acme/problem';
import type { AttestationObject } from '@/lib/attestation/att-object';
import { appleIdentifierMatches, verifyAppleAttestation } from '@/lib/attestation/apple';
import { appleAttestationRoots } from '@/lib/attestation/apple-roots';
import { AttestationError } from '@/lib/attestation/errors';
import { verifyTpmAttestation } from '@/lib/attestation/tpm';
import { getTrustedAkRoots } from '../attestation/get-trusted-ak-roots';
import { PERMANENT_IDENTIFIER } from './new-order';

export interface VerifiedAttestation {
  format: 'apple' | 'tpm';
  /** The identity the device record carries: an Apple serial number or a TPM EK URI. */
  permanentIdentifier: string;
  /** Apple only: the serial number, also matched against devices.serial. */
  serial?: string;
  attestedPublicKeySpkiDer: Buffer;
  evidence: Record<string, unknown>;
}

export interface AttestationChallenge {
  token: string;
  identifier: string;
  keyAuthorization: string;
}

function identifierMismatch(identifier: string, attested: string[]): AcmeProblem {
  return new AcmeProblem('badAttestationStatement', 'The permanent identifier does not match the attested hardware identity').withSubproblem(
    'rejectedIdentifier',
    `${identifier} is none of the attested identifiers (${attested.join(', ')})`,
    { type: PERMANENT_IDENTIFIER, value: identifier },
  );
}

const spkiSha256 = (spki: Uint8Array) => createHash('sha256').update(spki).digest('hex');

/** Throws AttestationError or AcmeProblem saying why the statement proves nothing. */
export async function verifyDeviceAttestation(db: Db, attObj: AttestationObject, challenge: AttestationChallenge, now = new Date()): Promise<VerifiedAttestation> {
  switch (attObj.fmt) {
    case 'apple': {
      const result = verifyAppleAttestation({
        attStmt: attObj.attStmt,
        token: challenge.token,
        trustedRoots: appleAttestationRoots(env().TESSERA_APPLE_ATTESTATION_ROOTS_PEM),
        now,
      });
      if (!appleIdentifierMatches(result, challenge.identifier)) {
        throw identifierMismatch(challenge.identifier, [result.serialNumber, ...(result.udid ? [result.udid] : [])]);
      }
      return {
        format: 'apple',
        permanentIdentifier: result.serialNumber,
        serial: result.serialNumber,
        attestedPublicKeySpkiDer: result.attestedPublicKeySpkiDer,
        evidence: { ...result.evidence },
      };
    }
    case 'tpm': {
      const result = await verifyTpmAttestation({
        attStmt: attObj.attStmt,
        keyAuthorization: challenge.keyAuthorization,
        trustedAkRoots: await getTrustedAkRoots(db),
        now,
      });
      if (result.ekUri !== challenge.identifier) throw identifierMismatch(challenge.identifier, [result.ekUri]);
      const spki = Buffer.from(result.attestedPublicKeySpkiDer);
      return {
        format: 'tpm',
        permanentIdentifier: result.ekUri,
        attestedPublicKeySpkiDer: spki,
        evidence: {
          ...(result.evidence as Record<string, unknown>),
          format: 'tpm',
          ekUri: result.ekUri,
          attestedKeySha256: spkiSha256(spki),
        },
      };
    }
    default:
      throw new AttestationError('badAttestationStatement', `Attestation format "${attObj.fmt.slice(0, 40)}" is not supported; use "apple" or "tpm"`);
  }
}
