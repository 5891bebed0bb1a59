// The device-attest-01 payload for a TPM (draft-acme-device-attest §4, the WebAuthn "tpm" format):
// {"attObj": base64url(CBOR {fmt: "tpm", attStmt: {ver, alg, x5c, sig, certInfo, pubArea}})}.
import { encode } from 'cborg';
import { TPM_ALG } from '@/lib/tpm/constants';
import type { TpmtPublic } from '@/lib/tpm/public-area';
import { AgentError } from './errors';

export interface TpmStatement {
  /** The AK's public area: its signing scheme gives `alg`. */
  ak: TpmtPublic;
  /** Base64 DER: the AK certificate, then the attestation intermediate. */
  x5c: string[];
  /** TPMT_SIGNATURE from TPM2_Certify. */
  sig: Uint8Array;
  /** TPMS_ATTEST from TPM2_Certify. */
  certInfo: Uint8Array;
  /** TPMT_PUBLIC of the certified device key. */
  pubArea: Uint8Array;
}

/** COSE algorithm of the AK's scheme (RFC 8812): RS256, PS256 or ES256. */
export function coseAlgorithmOf(ak: TpmtPublic): number {
  if (ak.kind === 'rsa' && ak.scheme.scheme === TPM_ALG.RSASSA && ak.scheme.hashAlg === TPM_ALG.SHA256) return -257;
  if (ak.kind === 'rsa' && ak.scheme.scheme === TPM_ALG.RSAPSS && ak.scheme.hashAlg === TPM_ALG.SHA256) return -37;
  if (ak.kind === 'ecc' && ak.scheme.scheme === TPM_ALG.ECDSA && ak.scheme.hashAlg === TPM_ALG.SHA256) return -7;
  throw new AgentError('tpm', 'The AK does not sign with RSASSA, RSAPSS or ECDSA over SHA-256');
}

const bytes = (b: Uint8Array) => new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

export function encodeTpmAttestation(statement: TpmStatement): string {
  const attStmt = {
    ver: '2.0',
    alg: coseAlgorithmOf(statement.ak),
    x5c: statement.x5c.map((c) => bytes(Buffer.from(c, 'base64'))),
    sig: bytes(statement.sig),
    certInfo: bytes(statement.certInfo),
    pubArea: bytes(statement.pubArea),
  };
  return Buffer.from(encode({ fmt: 'tpm', attStmt })).toString('base64url');
}
