// PKCS#10 certification requests (RFC 2986 §4): subject, key, challengePassword (PKCS#9
// §5.4.1, the SCEP challenge), requested extensions (§5.4.2), with the signature verified.
import type { KeyObject } from 'node:crypto';
import { loadSpki } from './load-public-key';
import {
  isContext,
  readBitString,
  readConstructed,
  readDer,
  readOid,
  readSequence,
  readSet,
  readSmallInteger,
  readString,
  type DerNode,
} from './der-reader';
import { parseName, formatName, type NameAttribute } from './distinguished-name';
import { OID } from './oids';
import { readAlgorithmIdentifier, readExtensions, type AlgorithmIdentifier, type CertificateExtension } from './parse-certificate';
import { toDer } from './pem';
import { UnsupportedAlgorithmError, verifySignature } from './verify-signature';

export type CsrErrorCode = 'malformed' | 'unsupported-algorithm' | 'unsupported-key' | 'weak-key' | 'bad-signature';

export class CsrError extends Error {
  constructor(
    public readonly code: CsrErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CsrError';
  }
}

export interface SubjectAltNames {
  dnsNames: string[];
  emailAddresses: string[];
  uris: string[];
  ipAddresses: string[];
  /** otherName entries (UPN, permanentIdentifier, ...) with their DER-encoded value. */
  otherNames: Array<{ typeId: string; value: Uint8Array }>;
}

export interface ParsedCsr {
  der: Buffer;
  subjectDer: Uint8Array;
  /** RFC 4514 form, e.g. "CN=device-1,O=Example". */
  subject: string;
  subjectAttributes: NameAttribute[];
  commonName?: string;
  subjectPublicKeyInfoDer: Uint8Array;
  publicKey: KeyObject;
  keyType: 'rsa' | 'ec' | 'ed25519';
  /** RSA modulus length in bits. */
  keyBits?: number;
  /** EC curve, e.g. "prime256v1". */
  namedCurve?: string;
  challengePassword?: string;
  requestedExtensions: CertificateExtension[];
  subjectAltNames: SubjectAltNames;
  signatureAlgorithm: AlgorithmIdentifier;
}

function ip(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
    return groups.join(':');
  }
  throw new CsrError('malformed', 'bad iPAddress length in subjectAltName');
}

/** GeneralNames (RFC 5280 §4.2.1.6) as plain lists; unknown forms are skipped. */
export function readSubjectAltNames(value: Uint8Array): SubjectAltNames {
  const out: SubjectAltNames = { dnsNames: [], emailAddresses: [], uris: [], ipAddresses: [], otherNames: [] };
  for (const name of readSequence(readDer(value))) {
    if (name.tagClass !== 2) throw new CsrError('malformed', 'GeneralName must be context-tagged');
    const text = () => Buffer.from(name.content).toString('latin1');
    switch (name.tagNumber) {
      case 0: {
        const [typeId, wrapped] = readConstructed(name);
        if (!typeId || !wrapped || !isContext(wrapped, 0)) throw new CsrError('malformed', 'bad otherName');
        out.otherNames.push({ typeId: readOid(typeId), value: readConstructed(wrapped)[0]?.bytes ?? new Uint8Array() });
        break;
      }
      case 1:
        out.emailAddresses.push(text());
        break;
      case 2:
        out.dnsNames.push(text());
        break;
      case 6:
        out.uris.push(text());
        break;
      case 7:
        out.ipAddresses.push(ip(name.content));
        break;
      default:
        break;
    }
  }
  return out;
}

function readAttributes(node: DerNode): { challengePassword?: string; extensions: CertificateExtension[] } {
  let challengePassword: string | undefined;
  let extensions: CertificateExtension[] = [];
  let sawChallenge = false;
  let sawExtensions = false;
  for (const attribute of readConstructed(node)) {
    const [typeNode, valuesNode] = readSequence(attribute, 2, 2);
    const type = readOid(typeNode);
    const values = readSet(valuesNode);
    if (type === OID.challengePassword) {
      // A second challenge would let a client smuggle one past a check that reads the other.
      if (sawChallenge || values.length !== 1) throw new CsrError('malformed', 'challengePassword must have one value');
      sawChallenge = true;
      challengePassword = readString(values[0]);
    } else if (type === OID.extensionRequest || type === OID.msCertExtensions) {
      if (sawExtensions || values.length !== 1) throw new CsrError('malformed', 'extensionRequest must have one value');
      sawExtensions = true;
      extensions = readExtensions(values[0]);
    }
  }
  return { challengePassword, extensions };
}

/** Parses a DER (or PEM) CSR and verifies its self-signature; throws CsrError otherwise. */
export function parseCsr(input: Uint8Array | string): ParsedCsr {
  let der: Buffer;
  try {
    der = toDer(input, 'CERTIFICATE REQUEST');
  } catch (err) {
    throw new CsrError('malformed', 'no CSR found', { cause: err });
  }
  let parsed: Omit<ParsedCsr, 'publicKey' | 'keyType' | 'keyBits' | 'namedCurve'> & { infoBytes: Uint8Array; signature: Uint8Array };
  try {
    const [info, sigAlg, sig] = readSequence(readDer(der), 3, 3);
    const [version, subject, spki, attributes] = readSequence(info, 3, 4);
    if (readSmallInteger(version) !== 0) throw new CsrError('malformed', 'unsupported CSR version');
    readSequence(spki, 2, 2);
    // The [0] attributes field is mandatory in RFC 2986 but some encoders omit it when empty.
    const attrs = attributes ? (isContext(attributes, 0) ? readAttributes(attributes) : null) : { extensions: [] };
    if (!attrs) throw new CsrError('malformed', 'bad attributes field');
    const subjectAttributes = parseName(subject);
    const san = attrs.extensions.find((e) => e.oid === OID.subjectAltName);
    parsed = {
      der,
      infoBytes: info.bytes,
      signature: readBitString(sig).bytes,
      signatureAlgorithm: readAlgorithmIdentifier(sigAlg),
      subjectDer: subject.bytes,
      subject: formatName(subject),
      subjectAttributes,
      commonName: subjectAttributes.find((a) => a.type === OID.commonName)?.value,
      subjectPublicKeyInfoDer: spki.bytes,
      challengePassword: attrs.challengePassword,
      requestedExtensions: attrs.extensions,
      subjectAltNames: san
        ? readSubjectAltNames(san.value)
        : { dnsNames: [], emailAddresses: [], uris: [], ipAddresses: [], otherNames: [] },
    };
  } catch (err) {
    if (err instanceof CsrError) throw err;
    throw new CsrError('malformed', `malformed CSR: ${(err as Error).message}`, { cause: err });
  }

  let publicKey: KeyObject;
  try {
    publicKey = loadSpki(parsed.subjectPublicKeyInfoDer);
  } catch (err) {
    throw new CsrError('unsupported-key', 'CSR public key cannot be loaded', { cause: err });
  }
  const keyType = publicKey.asymmetricKeyType;
  if (keyType !== 'rsa' && keyType !== 'ec' && keyType !== 'ed25519') {
    throw new CsrError('unsupported-key', `unsupported key type ${keyType}`);
  }

  let valid: boolean;
  try {
    valid = verifySignature({
      algorithm: parsed.signatureAlgorithm,
      publicKey,
      data: parsed.infoBytes,
      signature: parsed.signature,
    });
  } catch (err) {
    if (err instanceof UnsupportedAlgorithmError) {
      throw new CsrError('unsupported-algorithm', err.message, { cause: err });
    }
    throw err;
  }
  if (!valid) throw new CsrError('bad-signature', 'CSR signature does not verify');

  const { infoBytes: _info, signature: _sig, ...rest } = parsed;
  return {
    ...rest,
    publicKey,
    keyType,
    keyBits: publicKey.asymmetricKeyDetails?.modulusLength,
    namedCurve: publicKey.asymmetricKeyDetails?.namedCurve,
  };
}
