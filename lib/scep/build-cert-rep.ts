// Builds a SCEP CertRep (RFC 8894 §3.3.2): SignedData by the RA with messageType 3, pkiStatus,
// failInfo, the copied transactionID, recipientNonce = the client's senderNonce and a fresh
// senderNonce. On SUCCESS the content is an EnvelopedData, to the client's signer certificate, of
// a degenerate SignedData holding the issued certificate first and then its chain.
import { randomBytes, type KeyObject } from 'node:crypto';
import type { DigestName } from '@/lib/pki/algorithms';
import { toPrivateKey } from '@/lib/pki/create-signer';
import { isPrintable, octetString, printableString, utf8String } from '@/lib/pki/der-writer';
import { OID } from '@/lib/pki/oids';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { toDer } from '@/lib/pki/pem';
import type { ContentCipher } from './content-cipher';
import { createSignedData, type SignedAttribute } from './create-signed-data';
import { degenerateSignedData } from './degenerate-signed-data';
import type { KeyTransport } from './rsa-pkcs1-unpad';
import { sealEnvelopedData } from './seal-enveloped-data';
import { MessageType, PkiStatus, type FailInfo } from './scep-types';

export interface CertRepSigner {
  /** The RA certificate (DER, PEM or parsed). */
  certificate: Uint8Array | string | ParsedCertificate;
  privateKey: KeyObject | string;
  /**
   * Certificates between the RA and the root (the intermediate), sent along so verifiers that
   * check the RA's path, like OpenSSL's CMS_verify in certmonger, can build it.
   */
  chain?: Array<Uint8Array | string>;
}

/** The parts of the request a reply depends on; a ScepRequest or a ScepError's context fit. */
export interface CertRepRequest {
  transactionId: string;
  senderNonce: Uint8Array;
  /** The request's digest; the reply uses the same so old SHA-1-only clients can verify it. */
  digest?: DigestName;
  signerCertificate?: ParsedCertificate;
  contentCipher?: ContentCipher;
  keyTransport?: KeyTransport;
}

interface CertRepCommon {
  signer: CertRepSigner;
  request: CertRepRequest;
}

export type CertRepInput =
  | (CertRepCommon & {
      status: 'success';
      /** DER or PEM of the issued certificate. */
      issuedCertificate: Uint8Array | string;
      /** Intermediate (and optionally root) certificates to deliver with it. */
      chain?: Array<Uint8Array | string>;
      /** Overrides the request's content cipher (default: the one the client used). */
      contentCipher?: ContentCipher;
    })
  | (CertRepCommon & { status: 'failure'; failInfo: FailInfo });

function stringAttribute(oid: string, value: string): SignedAttribute {
  return { oid, values: [isPrintable(value) ? printableString(value) : utf8String(value)] };
}

/** DER of the CertRep pkiMessage, ready to send as application/x-pki-message. */
export function buildCertRep(input: CertRepInput): Buffer {
  const ra =
    typeof input.signer.certificate === 'object' && 'serialNumberHex' in input.signer.certificate
      ? input.signer.certificate
      : parseCertificate(input.signer.certificate as Uint8Array | string);
  const raKey = toPrivateKey(input.signer.privateKey);
  const { request } = input;

  const attributes: SignedAttribute[] = [
    // RFC 8894 §3.2.1: these are PrintableStrings holding decimal numbers.
    { oid: OID.scepMessageType, values: [printableString(String(MessageType.CertRep))] },
    stringAttribute(OID.scepTransactionId, request.transactionId),
    { oid: OID.scepRecipientNonce, values: [octetString(request.senderNonce)] },
    { oid: OID.scepSenderNonce, values: [octetString(randomBytes(16))] },
  ];

  let content: Buffer | undefined;
  if (input.status === 'success') {
    if (!request.signerCertificate) throw new Error('a SUCCESS CertRep needs the request signer certificate');
    attributes.push({ oid: OID.scepPkiStatus, values: [printableString(String(PkiStatus.SUCCESS))] });
    const certs = [input.issuedCertificate, ...(input.chain ?? [])].map((c) => toDer(c, 'CERTIFICATE'));
    content = sealEnvelopedData({
      content: degenerateSignedData(certs),
      recipient: request.signerCertificate,
      cipher: input.contentCipher ?? request.contentCipher ?? 'aes-128-cbc',
      keyTransport: request.keyTransport,
    });
  } else {
    attributes.push(
      { oid: OID.scepPkiStatus, values: [printableString(String(PkiStatus.FAILURE))] },
      { oid: OID.scepFailInfo, values: [printableString(String(input.failInfo))] },
    );
    // No pkcsPKIEnvelope, but an empty eContent rather than none: OpenSSL's PKCS7_verify (used
    // by certmonger, sscep and others) rejects a SignedData without content as detached.
    content = Buffer.alloc(0);
  }

  return createSignedData({
    content,
    signerCertificate: ra,
    signerKey: raKey,
    digest: request.digest ?? 'sha256',
    attributes,
    certificates: [ra.der, ...(input.signer.chain ?? []).map((c) => toDer(c, 'CERTIFICATE'))],
  });
}
