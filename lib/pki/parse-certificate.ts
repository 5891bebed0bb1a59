// X.509 certificate reader (RFC 5280 §4.1) that keeps the raw issuer, subject, serial and SPKI
// bytes: CMS identifies certificates by issuer+serial as encoded, and re-encoding can differ.
import type { KeyObject } from 'node:crypto';
import { loadSpki } from './load-public-key';
import {
  DerError,
  isContext,
  isUniversal,
  readBitString,
  readBoolean,
  readConstructed,
  readDer,
  readIntegerBytes,
  readOctetString,
  readOid,
  readSequence,
  readSmallInteger,
  readTime,
  Tag,
  type DerNode,
} from './der-reader';
import { formatName } from './distinguished-name';
import { OID } from './oids';
import { toDer } from './pem';

export class CertificateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CertificateError';
  }
}

export interface AlgorithmIdentifier {
  oid: string;
  /** Encoded parameters element, if present (NULL included). */
  parameters?: Uint8Array;
}

export interface CertificateExtension {
  oid: string;
  critical: boolean;
  /** The extnValue OCTET STRING content: the DER of the extension's own type. */
  value: Uint8Array;
}

export interface ParsedCertificate {
  der: Buffer;
  tbs: Uint8Array;
  version: number;
  /** INTEGER content octets as encoded (used verbatim in IssuerAndSerialNumber). */
  serialNumber: Uint8Array;
  /** Lowercase hex of the serial as an unsigned number, even length, no sign byte. */
  serialNumberHex: string;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Uint8Array;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  issuer: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
  subjectPublicKeyInfoDer: Uint8Array;
  /** The subjectPublicKey BIT STRING bytes (input of the RFC 5280 §4.2.1.2 key identifier). */
  subjectPublicKey: Uint8Array;
  publicKeyAlgorithm: AlgorithmIdentifier;
  extensions: CertificateExtension[];
  subjectKeyIdentifier?: Uint8Array;
  isCa: boolean;
  /** Node KeyObject for the public key; throws CertificateError for keys Node cannot load. */
  publicKey(): KeyObject;
}

export function readAlgorithmIdentifier(node: DerNode): AlgorithmIdentifier {
  const [algorithm, parameters] = readSequence(node, 1, 2);
  return { oid: readOid(algorithm), parameters: parameters?.bytes };
}

/** Extensions ::= SEQUENCE OF Extension (RFC 5280 §4.1). */
export function readExtensions(node: DerNode): CertificateExtension[] {
  const seen = new Set<string>();
  return readSequence(node).map((ext) => {
    const parts = readSequence(ext, 2, 3);
    const oid = readOid(parts[0]);
    if (seen.has(oid)) throw new DerError(`duplicate extension ${oid}`);
    seen.add(oid);
    const critical = parts.length === 3 ? readBoolean(parts[1]) : false;
    const value = readOctetString(parts[parts.length - 1]);
    return { oid, critical, value };
  });
}

/** Unsigned, minimal, even-length lowercase hex of an INTEGER's content octets. */
export function serialToHex(serial: Uint8Array): string {
  let start = 0;
  while (start < serial.length - 1 && serial[start] === 0) start++;
  return Buffer.from(serial.subarray(start)).toString('hex');
}

export function parseCertificate(input: Uint8Array | string): ParsedCertificate {
  const der = toDer(input, 'CERTIFICATE');
  try {
    const [tbsNode, sigAlgNode, sigNode] = readSequence(readDer(der), 3, 3);
    const tbsParts = readSequence(tbsNode, 6, 10);
    let i = 0;
    let version = 0;
    if (isContext(tbsParts[0], 0)) {
      version = readSmallInteger(readConstructed(tbsParts[0])[0]);
      i++;
    }
    const serialNumber = readIntegerBytes(tbsParts[i++]);
    readAlgorithmIdentifier(tbsParts[i++]);
    const issuerNode = tbsParts[i++];
    const [notBeforeNode, notAfterNode] = readSequence(tbsParts[i++], 2, 2);
    const subjectNode = tbsParts[i++];
    const spkiNode = tbsParts[i++];
    if (!spkiNode) throw new DerError('missing subjectPublicKeyInfo');
    const [spkiAlg, spkiKey] = readSequence(spkiNode, 2, 2);
    let extensions: CertificateExtension[] = [];
    for (; i < tbsParts.length; i++) {
      if (isContext(tbsParts[i], 3)) extensions = readExtensions(readConstructed(tbsParts[i])[0]);
    }
    if (!isUniversal(issuerNode, Tag.sequence) || !isUniversal(subjectNode, Tag.sequence)) {
      throw new DerError('bad issuer or subject');
    }

    const ski = extensions.find((e) => e.oid === OID.subjectKeyIdentifier);
    const basic = extensions.find((e) => e.oid === OID.basicConstraints);
    let isCa = false;
    if (basic) {
      const bc = readSequence(readDer(basic.value), 0, 2);
      isCa = bc.length > 0 && isUniversal(bc[0], Tag.boolean) && readBoolean(bc[0]);
    }
    const spkiDer = spkiNode.bytes;
    let key: KeyObject | undefined;
    return {
      der,
      tbs: tbsNode.bytes,
      version: version + 1,
      serialNumber,
      serialNumberHex: serialToHex(serialNumber),
      signatureAlgorithm: readAlgorithmIdentifier(sigAlgNode),
      signature: readBitString(sigNode).bytes,
      issuerDer: issuerNode.bytes,
      subjectDer: subjectNode.bytes,
      issuer: formatName(issuerNode),
      subject: formatName(subjectNode),
      notBefore: readTime(notBeforeNode),
      notAfter: readTime(notAfterNode),
      subjectPublicKeyInfoDer: spkiDer,
      subjectPublicKey: readBitString(spkiKey).bytes,
      publicKeyAlgorithm: readAlgorithmIdentifier(spkiAlg),
      extensions,
      subjectKeyIdentifier: ski ? readOctetString(readDer(ski.value)) : undefined,
      isCa,
      publicKey() {
        if (key) return key;
        try {
          key = loadSpki(spkiDer);
        } catch (err) {
          throw new CertificateError('unsupported public key', { cause: err });
        }
        return key;
      },
    };
  } catch (err) {
    if (err instanceof CertificateError) throw err;
    throw new CertificateError(`malformed certificate: ${(err as Error).message}`, { cause: err });
  }
}
