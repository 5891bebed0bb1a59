// Parses a SCEP PKIOperation request (RFC 8894 §3.2, §3.3.1): the signed pkiMessage, its SCEP
// attributes, the pkcsPKIEnvelope addressed to our RA and the PKCS#10 request inside. Every
// failure is a ScepError carrying the failInfo for the CertRep and what was read of the request.
import type { KeyObject } from 'node:crypto';
import type { DigestName } from '@/lib/pki/algorithms';
import { readOctetString, readString, type DerNode } from '@/lib/pki/der-reader';
import { toPrivateKey } from '@/lib/pki/create-signer';
import { OID } from '@/lib/pki/oids';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { CsrError, parseCsr, type ParsedCsr } from '@/lib/pki/parse-csr';
import type { ContentCipher } from './content-cipher';
import { openEnvelopedData } from './open-enveloped-data';
import { readSignedData, type ReadSignedData } from './read-signed-data';
import type { KeyTransport } from './rsa-pkcs1-unpad';
import { ScepError, type ScepRequestContext } from './scep-error';
import { FailInfo, MessageType, messageTypeName } from './scep-types';

export interface ScepRecipient {
  /** The RA certificate clients encrypt to (DER, PEM or already parsed). */
  certificate: Uint8Array | string | ParsedCertificate;
  privateKey: KeyObject | string;
}

export interface ScepRequest {
  messageType: typeof MessageType.PKCSReq | typeof MessageType.RenewalReq;
  transactionId: string;
  senderNonce: Buffer;
  /** The certificate that signed the request: self-signed for PKCSReq, ours for RenewalReq. */
  signerCertificate: ParsedCertificate;
  digest: DigestName;
  contentCipher: ContentCipher;
  keyTransport: KeyTransport;
  /** The decrypted, signature-checked PKCS#10 request. */
  csr: ParsedCsr;
  challengePassword?: string;
}

function single(attrs: Map<string, DerNode[]>, oid: string): DerNode | undefined {
  const values = attrs.get(oid);
  return values?.length === 1 ? values[0] : undefined;
}

function isParsedCertificate(c: ScepRecipient['certificate']): c is ParsedCertificate {
  return typeof c === 'object' && !(c instanceof Uint8Array) && 'serialNumberHex' in c;
}

/** Runs a reader; a malformed value counts as absent and is reported as missing below. */
function attempt(read: () => void): void {
  try {
    read();
  } catch {
    // Deliberately ignored: the caller checks which values were set.
  }
}

/** Reads transactionID, messageType and senderNonce, each into the context as it succeeds. */
function readScepAttributes(signed: ReadSignedData, context: ScepRequestContext): void {
  const attrs = signed.signedAttributes;
  attempt(() => {
    const value = readString(single(attrs, OID.scepTransactionId)!);
    if (value.length > 0 && value.length <= 256) context.transactionId = value;
  });
  attempt(() => {
    const value = readOctetString(single(attrs, OID.scepSenderNonce)!);
    // RFC 8894 §3.2.1.5 asks for 16 bytes; accept a little variation, refuse the absurd.
    if (value.length >= 8 && value.length <= 64) context.senderNonce = Buffer.from(value);
  });
  attempt(() => {
    const value = readString(single(attrs, OID.scepMessageType)!);
    if (/^\d{1,3}$/.test(value)) context.messageType = Number(value);
  });
  const missing = (what: string) =>
    new ScepError(FailInfo.badRequest, 'missing-attribute', `missing or malformed ${what}`, context);
  if (context.transactionId === undefined) throw missing('transactionID');
  if (context.senderNonce === undefined) throw missing('senderNonce');
  if (context.messageType === undefined) throw missing('messageType');
}

/**
 * Parses and decrypts a PKIOperation message for the given RA. Policy (is the challenge right,
 * is a RenewalReq signer one of our certificates) is left to the caller.
 */
export function parsePkiMessage(message: Uint8Array, recipient: ScepRecipient): ScepRequest {
  const raCertificate = isParsedCertificate(recipient.certificate)
    ? recipient.certificate
    : parseCertificate(recipient.certificate);
  const raKey = toPrivateKey(recipient.privateKey);
  const context: ScepRequestContext = {};

  let signed: ReadSignedData;
  try {
    signed = readSignedData(message);
  } catch (err) {
    throw new ScepError(FailInfo.badRequest, 'malformed', `not a SCEP pkiMessage: ${(err as Error).message}`, context, {
      cause: err,
    });
  }
  if (signed.digest) context.digest = signed.digest;
  readScepAttributes(signed, context);

  switch (signed.check) {
    case 'valid':
      break;
    case 'unsupported-algorithm':
      throw new ScepError(FailInfo.badAlg, 'unsupported-algorithm', 'unsupported digest or signature algorithm', context);
    case 'signer-not-found':
      throw new ScepError(FailInfo.badMessageCheck, 'signer-not-found', 'signer certificate not included', context);
    default:
      throw new ScepError(FailInfo.badMessageCheck, 'bad-signature', 'pkiMessage signature does not verify', context);
  }
  const signer = signed.signer!;
  // The reply is encrypted to the signer certificate, which needs RSA key transport.
  if (signer.publicKeyAlgorithm.oid !== OID.rsaEncryption) {
    throw new ScepError(FailInfo.badAlg, 'unsupported-key', 'signer certificate must have an RSA key', context);
  }

  const messageType = context.messageType!;
  if (messageType !== MessageType.PKCSReq && messageType !== MessageType.RenewalReq) {
    // CertPoll (GetCertInitial), GetCert and GetCRL are not offered: we never answer PENDING
    // and certificates and CRLs are published over HTTP instead.
    throw new ScepError(
      FailInfo.badRequest,
      'unsupported-message-type',
      `messageType ${messageTypeName(messageType)} is not supported`,
      context,
    );
  }
  if (!signed.content || signed.eContentType !== OID.data) {
    throw new ScepError(FailInfo.badRequest, 'malformed', 'pkiMessage carries no pkcsPKIEnvelope', context);
  }

  const envelope = openEnvelopedData(signed.content, { certificate: raCertificate, privateKey: raKey }, context);

  let csr: ParsedCsr;
  try {
    csr = parseCsr(envelope.content);
  } catch (err) {
    if (err instanceof CsrError && (err.code === 'unsupported-algorithm' || err.code === 'unsupported-key')) {
      throw new ScepError(FailInfo.badAlg, 'unsupported-algorithm', err.message, context, { cause: err });
    }
    // Same failInfo and code as a content that does not decrypt: no padding oracle.
    throw new ScepError(FailInfo.badMessageCheck, 'decryption-failed', 'pkcsPKIEnvelope does not hold a valid CSR', context, {
      cause: err,
    });
  }

  return {
    messageType,
    transactionId: context.transactionId!,
    senderNonce: context.senderNonce!,
    signerCertificate: signer,
    digest: signed.digest!,
    contentCipher: envelope.cipher,
    keyTransport: envelope.keyTransport,
    csr,
    challengePassword: csr.challengePassword,
  };
}
