// TPMS_ATTEST (TPM 2.0 Part 2 §10.12.12): what TPM2_Certify, TPM2_CertifyCreation and TPM2_Quote
// sign. Parsed strictly; the attested part is decoded for CERTIFY, CREATION and QUOTE and kept raw
// for the other types.
import { TPM_GENERATED_VALUE, TPM_ST_ATTEST } from './constants';
import { TpmError } from './errors';
import { TpmReader, tpm2b, u16, u32, u64 } from './marshal';

export interface ClockInfo {
  clock: bigint;
  resetCount: number;
  restartCount: number;
  safe: boolean;
}

export interface PcrSelection {
  hashAlg: number;
  /** Bitmap: bit n of byte n/8 selects PCR n. */
  select: Uint8Array;
}

export type AttestedInfo =
  | { type: 'certify'; name: Uint8Array; qualifiedName: Uint8Array }
  | { type: 'creation'; objectName: Uint8Array; creationHash: Uint8Array }
  | { type: 'quote'; pcrSelect: PcrSelection[]; pcrDigest: Uint8Array }
  | { type: 'other'; raw: Uint8Array };

export interface TpmsAttest {
  magic: number;
  /** TPM_ST_ATTEST_* */
  type: number;
  qualifiedSigner: Uint8Array;
  extraData: Uint8Array;
  clockInfo: ClockInfo;
  firmwareVersion: bigint;
  attested: AttestedInfo;
  /** The exact bytes parsed (what the signature covers). */
  bytes: Uint8Array;
}

const NAME_MAX = 2 + 64; // TPMU_NAME: a hash alg and the largest digest

function readPcrSelection(r: TpmReader): PcrSelection[] {
  const count = r.u32('pcrSelect.count');
  if (count > 16) throw new TpmError('malformed', `pcrSelect lists ${count} banks`);
  const out: PcrSelection[] = [];
  for (let i = 0; i < count; i++) {
    const hashAlg = r.u16('pcrSelect.hash');
    const size = r.u8('pcrSelect.sizeofSelect');
    out.push({ hashAlg, select: r.bytesOf(size, 'pcrSelect.pcrSelect') });
  }
  return out;
}

/** Parses TPMS_ATTEST bytes (a certInfo / quoted blob); structural checks only, magic included. */
export function parseTpmsAttest(bytes: Uint8Array): TpmsAttest {
  const r = new TpmReader(bytes, 'TPMS_ATTEST');
  const magic = r.u32('magic');
  if (magic !== TPM_GENERATED_VALUE) {
    throw new TpmError('invalid', `TPMS_ATTEST magic is 0x${magic.toString(16)}, not TPM_GENERATED_VALUE (0xff544347): the TPM did not produce it`);
  }
  const type = r.u16('type');
  const qualifiedSigner = r.tpm2b('qualifiedSigner', NAME_MAX);
  const extraData = r.tpm2b('extraData', 64);
  const clockInfo: ClockInfo = {
    clock: r.u64('clockInfo.clock'),
    resetCount: r.u32('clockInfo.resetCount'),
    restartCount: r.u32('clockInfo.restartCount'),
    safe: r.u8('clockInfo.safe') !== 0,
  };
  const firmwareVersion = r.u64('firmwareVersion');
  let attested: AttestedInfo;
  switch (type) {
    case TPM_ST_ATTEST.CERTIFY:
      attested = { type: 'certify', name: r.tpm2b('attested.certify.name', NAME_MAX), qualifiedName: r.tpm2b('attested.certify.qualifiedName', NAME_MAX) };
      break;
    case TPM_ST_ATTEST.CREATION:
      attested = { type: 'creation', objectName: r.tpm2b('attested.creation.objectName', NAME_MAX), creationHash: r.tpm2b('attested.creation.creationHash', 64) };
      break;
    case TPM_ST_ATTEST.QUOTE:
      attested = { type: 'quote', pcrSelect: readPcrSelection(r), pcrDigest: r.tpm2b('attested.quote.pcrDigest', 64) };
      break;
    case TPM_ST_ATTEST.NV:
    case TPM_ST_ATTEST.COMMAND_AUDIT:
    case TPM_ST_ATTEST.SESSION_AUDIT:
    case TPM_ST_ATTEST.TIME:
    case TPM_ST_ATTEST.NV_DIGEST:
      attested = { type: 'other', raw: r.bytesOf(r.remaining, 'attested') };
      break;
    default:
      throw new TpmError('malformed', `TPMS_ATTEST type 0x${type.toString(16)} is not an attestation type`);
  }
  r.end();
  return { magic, type, qualifiedSigner, extraData, clockInfo, firmwareVersion, attested, bytes };
}

export interface AttestTemplate {
  type: number;
  qualifiedSigner: Uint8Array;
  extraData: Uint8Array;
  clockInfo: ClockInfo;
  firmwareVersion: bigint;
  attested: AttestedInfo;
  /** Defaults to TPM_GENERATED_VALUE; tests set another to build forgeries. */
  magic?: number;
}

/** Encodes a TPMS_ATTEST (tests and tooling build statements with it; a TPM makes the real ones). */
export function marshalTpmsAttest(t: AttestTemplate): Buffer {
  const a = t.attested;
  const attested =
    a.type === 'certify'
      ? Buffer.concat([tpm2b(a.name), tpm2b(a.qualifiedName)])
      : a.type === 'creation'
        ? Buffer.concat([tpm2b(a.objectName), tpm2b(a.creationHash)])
        : a.type === 'quote'
          ? Buffer.concat([
              u32(a.pcrSelect.length),
              ...a.pcrSelect.map((s) => Buffer.concat([u16(s.hashAlg), Buffer.from([s.select.length]), s.select])),
              tpm2b(a.pcrDigest),
            ])
          : Buffer.from(a.raw);
  return Buffer.concat([
    u32(t.magic ?? TPM_GENERATED_VALUE),
    u16(t.type),
    tpm2b(t.qualifiedSigner),
    tpm2b(t.extraData),
    u64(t.clockInfo.clock),
    u32(t.clockInfo.resetCount),
    u32(t.clockInfo.restartCount),
    Buffer.from([t.clockInfo.safe ? 1 : 0]),
    u64(t.firmwareVersion),
    attested,
  ]);
}
