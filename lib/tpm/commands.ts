// Raw TPM2_Certify (TPM 2.0 Part 3 §18.2) command and response, for clients whose tools cannot pass
// qualifying data (tpm2-tools before 5.5 has no `tpm2_certify -q`): encode the command, send it
// with `tpm2_send`, decode the response. Both handles are authorised with empty password sessions.
import { TPM_ALG } from './constants';
import { TpmError } from './errors';
import { TpmReader, tpm2b, u16, u32 } from './marshal';
import { parseTpmtSignature } from './signature';

export const TPM_ST_NO_SESSIONS = 0x8001;
export const TPM_ST_SESSIONS = 0x8002;
export const TPM_RS_PW = 0x40000009;
export const TPM_CC_CERTIFY = 0x00000148;

function passwordSession(auth: Uint8Array = new Uint8Array()): Buffer {
  // sessionHandle, nonceCaller (empty), sessionAttributes (continueSession), hmac = the password
  return Buffer.concat([u32(TPM_RS_PW), u16(0), Buffer.from([0x01]), tpm2b(auth)]);
}

export interface CertifyCommandInput {
  /** Handle of the loaded object to certify (a persistent handle is simplest). */
  objectHandle: number;
  /** Handle of the loaded AK that signs. */
  signHandle: number;
  /** Goes into TPMS_ATTEST.extraData: the caller's nonce (at most 64 bytes). */
  qualifyingData: Uint8Array;
  objectAuth?: Uint8Array;
  signAuth?: Uint8Array;
}

export function encodeCertifyCommand(input: CertifyCommandInput): Buffer {
  if (input.qualifyingData.length > 64) throw new TpmError('invalid', 'qualifying data is at most 64 bytes');
  const sessions = Buffer.concat([passwordSession(input.objectAuth), passwordSession(input.signAuth)]);
  const body = Buffer.concat([
    u32(input.objectHandle),
    u32(input.signHandle),
    u32(sessions.length),
    sessions,
    tpm2b(input.qualifyingData),
    u16(TPM_ALG.NULL), // inScheme: the AK's own scheme
  ]);
  return Buffer.concat([u16(TPM_ST_SESSIONS), u32(10 + body.length), u32(TPM_CC_CERTIFY), body]);
}

export interface CertifyResponse {
  /** TPMS_ATTEST bytes (certInfo). */
  certifyInfo: Buffer;
  /** TPMT_SIGNATURE bytes. */
  signature: Buffer;
}

export function decodeCertifyResponse(response: Uint8Array): CertifyResponse {
  const r = new TpmReader(response, 'TPM2_Certify response');
  const tag = r.u16('tag');
  const size = r.u32('responseSize');
  if (size !== response.length) throw new TpmError('malformed', `the response says ${size} bytes but has ${response.length}`);
  const code = r.u32('responseCode');
  if (code !== 0) throw new TpmError('invalid', `the TPM refused TPM2_Certify with response code 0x${code.toString(16).padStart(8, '0')}`);
  if (tag === TPM_ST_SESSIONS) r.u32('parameterSize');
  const certifyInfo = Buffer.from(r.tpm2b('certifyInfo'));
  const start = r.position;
  // TPMT_SIGNATURE has no size prefix: read it to find where it ends.
  const sigAlg = r.u16('sigAlg');
  if (sigAlg !== TPM_ALG.NULL) {
    r.u16('hash');
    if (sigAlg === TPM_ALG.RSASSA || sigAlg === TPM_ALG.RSAPSS) r.tpm2b('signature');
    else {
      r.tpm2b('signatureR');
      r.tpm2b('signatureS');
    }
  }
  const signature = Buffer.from(r.slice(start));
  parseTpmtSignature(signature);
  return { certifyInfo, signature };
}
