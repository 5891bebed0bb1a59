// Test-only SCEP client: builds PKCSReq/RenewalReq messages the way device clients do and reads
// CertRep replies, using the library's own CMS pieces. Keys are generated at test time.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { DigestName } from '@/lib/pki/algorithms';
import { buildCertificate, randomSerialNumber } from '@/lib/pki/build-certificate';
import { createSigner } from '@/lib/pki/create-signer';
import { isUniversal, readConstructed, readDer, readOctetString, readSequence, readString, Tag } from '@/lib/pki/der-reader';
import { bitString, implicit, integer, octetString, oid, printableString, sequence, setOf, tlv, utf8String } from '@/lib/pki/der-writer';
import { encodeName } from '@/lib/pki/distinguished-name';
import { encodeExtensions } from '@/lib/pki/extensions';
import { OID } from '@/lib/pki/oids';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import type { ContentCipher } from '../content-cipher';
import { createSignedData } from '../create-signed-data';
import { openEnvelopedData } from '../open-enveloped-data';
import { readSignedData } from '../read-signed-data';
import type { KeyTransport } from '../rsa-pkcs1-unpad';
import { sealEnvelopedData } from '../seal-enveloped-data';

export interface CsrOptions {
  key: KeyObject;
  publicKey: KeyObject;
  subject?: Array<[string, string]>;
  challenge?: string;
  dnsNames?: string[];
}

/** A PKCS#10 request signed with the given key (SHA-256). */
export function buildCsr(options: CsrOptions): Buffer {
  const attributes: Buffer[] = [];
  if (options.challenge !== undefined) {
    attributes.push(sequence(oid(OID.challengePassword), setOf([utf8String(options.challenge)])));
  }
  if (options.dnsNames?.length) {
    const san = sequence(...options.dnsNames.map((d) => tlv(0x82, Buffer.from(d))));
    const exts = encodeExtensions([{ oid: OID.subjectAltName, critical: false, value: san }]);
    attributes.push(sequence(oid(OID.extensionRequest), setOf([exts])));
  }
  const info = sequence(
    integer(0),
    encodeName(options.subject ?? [['CN', 'test-device']]),
    options.publicKey.export({ format: 'der', type: 'spki' }),
    implicit(0, Buffer.concat(attributes), true),
  );
  const signer = createSigner(options.key);
  return sequence(info, signer.algorithm, bitString(signer.sign(info)));
}

export interface ClientIdentity {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The self-signed certificate a client signs its first request with (RFC 8894 §2.3). */
  certificate: ParsedCertificate;
  csr: Buffer;
}

export function createClientIdentity(options: { challenge?: string; commonName?: string; dnsNames?: string[]; bits?: number } = {}): ClientIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: options.bits ?? 2048 });
  const subject: Array<[string, string]> = [['CN', options.commonName ?? 'test-device']];
  const now = Date.now();
  const der = buildCertificate({
    serialNumber: randomSerialNumber(),
    issuerDer: encodeName(subject),
    subjectDer: encodeName(subject),
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3600_000),
    subjectPublicKeyInfoDer: publicKey.export({ format: 'der', type: 'spki' }),
    extensions: [],
    signer: createSigner(privateKey),
  });
  return {
    privateKey,
    publicKey,
    certificate: parseCertificate(der),
    csr: buildCsr({ key: privateKey, publicKey, subject, challenge: options.challenge, dnsNames: options.dnsNames }),
  };
}

export interface RequestOptions {
  identity: ClientIdentity;
  /** Defaults to the identity's CSR; pass raw bytes to put anything in the envelope. */
  content?: Uint8Array;
  /** Replace the whole pkcsPKIEnvelope (eContent) with these bytes, e.g. a patched envelope. */
  envelope?: Uint8Array;
  recipient: ParsedCertificate;
  cipher?: ContentCipher;
  digest?: DigestName;
  keyTransport?: KeyTransport;
  messageType?: number;
  transactionId?: string;
  senderNonce?: Buffer;
  /** Sign with this certificate/key instead of the identity's self-signed one (RenewalReq). */
  signWith?: { certificate: ParsedCertificate; privateKey: KeyObject };
  omitAttributes?: string[];
  /** Certificates to include; default the signer's. */
  certificates?: Uint8Array[];
}

export function sealRequestEnvelope(o: Pick<RequestOptions, 'identity' | 'content' | 'recipient' | 'cipher' | 'keyTransport'>): Buffer {
  return sealEnvelopedData({
    content: o.content ?? o.identity.csr,
    recipient: o.recipient,
    cipher: o.cipher ?? 'des-cbc',
    keyTransport: o.keyTransport,
  });
}

export function buildPkiRequest(o: RequestOptions): Buffer {
  const envelope = o.envelope ?? sealEnvelopedData({
    content: o.content ?? o.identity.csr,
    recipient: o.recipient,
    cipher: o.cipher ?? 'des-cbc',
    keyTransport: o.keyTransport,
  });
  const signerCert = o.signWith?.certificate ?? o.identity.certificate;
  const attrs = [
    { oid: OID.scepTransactionId, values: [printableString(o.transactionId ?? 'tx-' + randomBytes(8).toString('hex'))] },
    { oid: OID.scepMessageType, values: [printableString(String(o.messageType ?? 19))] },
    { oid: OID.scepSenderNonce, values: [octetString(o.senderNonce ?? randomBytes(16))] },
  ].filter((a) => !o.omitAttributes?.includes(a.oid));
  return createSignedData({
    content: envelope,
    signerCertificate: signerCert,
    signerKey: o.signWith?.privateKey ?? o.identity.privateKey,
    digest: o.digest ?? 'sha1',
    attributes: attrs,
    certificates: o.certificates ?? [signerCert.der],
  });
}

export interface ReadCertRep {
  check: string;
  messageType: string;
  pkiStatus: string;
  failInfo?: string;
  transactionId: string;
  recipientNonce: Buffer;
  senderNonce: Buffer;
  /** Certificates of the degenerate SignedData inside the envelope, issued one first. */
  certificates: ParsedCertificate[];
}

export function readCertRep(der: Uint8Array, o: { ra: ParsedCertificate; identity: ClientIdentity }): ReadCertRep {
  const signed = readSignedData(der, { extraCertificates: [o.ra] });
  const attr = (id: string) => signed.signedAttributes.get(id)?.[0];
  const str = (id: string) => {
    const node = attr(id);
    return node ? readString(node) : '';
  };
  let certificates: ParsedCertificate[] = [];
  if (signed.content?.length) {
    const opened = openEnvelopedData(signed.content, { certificate: o.identity.certificate, privateKey: o.identity.privateKey });
    const [, wrapped] = readSequence(readDer(opened.content), 2, 2);
    const parts = readSequence(readConstructed(wrapped)[0]);
    const certSet = parts.find((p) => p.tagClass === 2 && p.tagNumber === 0);
    certificates = certSet
      ? readConstructed(certSet)
          .filter((c) => isUniversal(c, Tag.sequence))
          .map((c) => parseCertificate(c.bytes))
      : [];
  }
  return {
    check: signed.check,
    messageType: str(OID.scepMessageType),
    pkiStatus: str(OID.scepPkiStatus),
    failInfo: attr(OID.scepFailInfo) ? str(OID.scepFailInfo) : undefined,
    transactionId: str(OID.scepTransactionId),
    recipientNonce: Buffer.from(readOctetString(attr(OID.scepRecipientNonce)!)),
    senderNonce: Buffer.from(readOctetString(attr(OID.scepSenderNonce)!)),
    certificates,
  };
}
