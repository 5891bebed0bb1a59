// Checks a TPM2_Certify result (Part 3 §18.2): the AK signed a TPMS_ATTEST of type
// TPM_ST_ATTEST_CERTIFY, made by a TPM (magic), over the caller's nonce (extraData), naming the
// attested object (name == nameAlg || H(TPMT_PUBLIC)). Returns the parsed pieces; throws TpmError.
import { timingSafeEqual, type KeyObject } from 'node:crypto';
import { TPM_ST_ATTEST, algName } from './constants';
import { TpmError } from './errors';
import { parseTpmsAttest, type TpmsAttest } from './attest';
import { objectName, parsePublicArea, publicKeyOf, type TpmtPublic } from './public-area';
import { parseTpmtSignature, verifyTpmSignature, type TpmtSignature } from './signature';

export interface VerifyCertifyInput {
  /** TPMS_ATTEST bytes. */
  certInfo: Uint8Array;
  /** TPMT_SIGNATURE bytes, or already parsed. */
  sig: Uint8Array | TpmtSignature;
  /** The AK: a Node public key (from its certificate) or its public area. */
  akPublic: KeyObject | Uint8Array | TpmtPublic;
  /** The nonce the caller asked the TPM to include. */
  expectedExtraData: Uint8Array;
  /** The certified object's public area (TPMT_PUBLIC or TPM2B_PUBLIC bytes, or parsed). */
  attestedPublic: Uint8Array | TpmtPublic;
}

export interface VerifiedCertify {
  attest: TpmsAttest;
  attested: TpmtPublic;
  attestedName: Buffer;
  signature: TpmtSignature;
}

const isKeyObject = (k: unknown): k is KeyObject => typeof k === 'object' && k !== null && 'asymmetricKeyType' in k && 'export' in k;

export function safeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function verifyCertify(input: VerifyCertifyInput): VerifiedCertify {
  const attest = parseTpmsAttest(input.certInfo);
  if (attest.type !== TPM_ST_ATTEST.CERTIFY || attest.attested.type !== 'certify') {
    throw new TpmError('invalid', `certInfo is a TPMS_ATTEST of type 0x${attest.type.toString(16)}, not TPM_ST_ATTEST_CERTIFY (0x8017)`);
  }
  if (!safeEqual(attest.extraData, input.expectedExtraData)) {
    throw new TpmError('invalid', 'certInfo.extraData does not match the expected nonce');
  }
  const attested = input.attestedPublic instanceof Uint8Array ? parsePublicArea(input.attestedPublic) : input.attestedPublic;
  const attestedName = objectName(attested);
  if (!safeEqual(attest.attested.name, attestedName)) {
    throw new TpmError('invalid', 'certInfo names a different object than the public area given (attested name mismatch)');
  }
  const signature = input.sig instanceof Uint8Array ? parseTpmtSignature(input.sig) : input.sig;
  const akKey = isKeyObject(input.akPublic)
    ? input.akPublic
    : publicKeyOf(input.akPublic instanceof Uint8Array ? parsePublicArea(input.akPublic) : input.akPublic);
  if (!verifyTpmSignature(signature, attest.bytes, akKey)) {
    throw new TpmError('invalid', `the ${algName(signature.sigAlg)} signature over certInfo does not verify with the AK`);
  }
  return { attest, attested, attestedName, signature };
}
