// The `apple` attestation statement format of draft-acme-device-attest (Managed Device
// Attestation): attStmt.x5c is a chain from Apple Enterprise Attestation Sub CA 1 to a leaf whose
// key the Secure Enclave holds. Apple puts the device's identity in private extensions whose
// extnValue is the raw value, not DER: 1.2.840.113635.100.8.9.1 serial number, .8.9.2 UDID,
// .8.10.1-3 OS/SEP/LLB versions, and .8.11.1 the freshness code, SHA-256 of the ACME token.
import { createHash, timingSafeEqual } from 'node:crypto';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { OID } from '@/lib/pki/oids';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { readBitString, readDer } from '@/lib/pki/der-reader';
import { UnsupportedAlgorithmError, verifySignature } from '@/lib/pki/verify-signature';
import { readX5c } from './att-object';
import { AttestationError } from './errors';

export const APPLE_OID = {
  serialNumber: '1.2.840.113635.100.8.9.1',
  udid: '1.2.840.113635.100.8.9.2',
  osVersion: '1.2.840.113635.100.8.10.1',
  sepOsVersion: '1.2.840.113635.100.8.10.2',
  llbVersion: '1.2.840.113635.100.8.10.3',
  nonce: '1.2.840.113635.100.8.11.1',
} as const;

export interface AppleAttestationInput {
  attStmt: Record<string, unknown>;
  /** The device-attest-01 challenge token; the leaf's freshness code must be its SHA-256. */
  token: string;
  /** Trusted roots, DER or PEM (the Apple Enterprise Attestation Root CA in production). */
  trustedRoots: Array<Uint8Array | string>;
  now?: Date;
}

export interface ChainEntry {
  subject: string;
  issuer: string;
  serialNumberHex: string;
  sha256: string;
  notBefore: string;
  notAfter: string;
}

export interface AppleAttestationEvidence {
  format: 'apple';
  serialNumber: string;
  udid?: string;
  osVersion?: string;
  sepOsVersion?: string;
  llbVersion?: string;
  /** SHA-256 (hex) of the attested key's SubjectPublicKeyInfo. */
  attestedKeySha256: string;
  /** Leaf first, ending with the trusted root that anchored it. */
  chain: ChainEntry[];
}

export interface AppleAttestationResult {
  serialNumber: string;
  udid?: string;
  /** The leaf's key: the Secure Enclave key the certificate will be issued for. */
  attestedPublicKeySpkiDer: Buffer;
  leafDer: Buffer;
  evidence: AppleAttestationEvidence;
}

const bad = (message: string) => new AttestationError('badAttestationStatement', message);

// Algorithms accepted in an attestation chain: no SHA-1, no bare rsaEncryption.
const CHAIN_SIGNATURE_OIDS = new Set<string>([
  OID.ecdsaWithSha256,
  OID.ecdsaWithSha384,
  OID.ecdsaWithSha512,
  OID.sha256WithRsa,
  OID.sha384WithRsa,
  OID.sha512WithRsa,
  OID.ed25519,
]);

// Critical extensions a validator here understands (RFC 5280 §4.2: others must fail the chain).
const UNDERSTOOD_CRITICAL = new Set<string>([OID.basicConstraints, OID.keyUsage, OID.extKeyUsage, OID.subjectAltName]);

function parse(der: Uint8Array | string, what: string): ParsedCertificate {
  try {
    const cert = parseCertificate(der);
    cert.publicKey();
    return cert;
  } catch {
    // parseCertificate throws CertificateError for bad DER and keys Node cannot load.
    throw bad(`${what} is not a usable X.509 certificate`);
  }
}

function hasKeyCertSign(cert: ParsedCertificate): boolean {
  const ku = cert.extensions.find((e) => e.oid === OID.keyUsage);
  if (!ku) return true; // RFC 5280 §4.2.1.3: absent means no restriction
  try {
    const { bytes } = readBitString(readDer(ku.value));
    return bytes.length > 0 && (bytes[0] & 0x04) !== 0; // bit 5, keyCertSign
  } catch {
    return false;
  }
}

function signedBy(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  if (Buffer.compare(Buffer.from(child.issuerDer), Buffer.from(issuer.subjectDer)) !== 0) return false;
  if (!CHAIN_SIGNATURE_OIDS.has(child.signatureAlgorithm.oid)) return false;
  try {
    return verifySignature({ algorithm: child.signatureAlgorithm, publicKey: issuer.publicKey(), data: child.tbs, signature: child.signature });
  } catch (err) {
    if (err instanceof UnsupportedAlgorithmError) return false;
    throw err;
  }
}

// Apple issues the leaf seconds before the device sends it; a server clock a little behind must
// not refuse it as "not yet valid".
const NOT_BEFORE_SKEW_MS = 5 * 60_000;

function checkTime(cert: ParsedCertificate, what: string, now: Date) {
  if (now.getTime() + NOT_BEFORE_SKEW_MS < cert.notBefore.getTime()) throw bad(`${what} (${cert.subject}) is not valid before ${cert.notBefore.toISOString()}`);
  if (now > cert.notAfter) throw bad(`${what} (${cert.subject}) expired on ${cert.notAfter.toISOString()}`);
}

function checkCritical(cert: ParsedCertificate, what: string) {
  const unknown = cert.extensions.find((e) => e.critical && !UNDERSTOOD_CRITICAL.has(e.oid));
  if (unknown) throw bad(`${what} has an unrecognised critical extension ${unknown.oid}`);
}

/**
 * Verifies x5c as an ordered chain (leaf, intermediates) ending in one of the trusted roots, each
 * certificate valid at `now`. Returns the chain including the anchoring root.
 */
export function verifyAttestationChain(x5c: Uint8Array[], trustedRoots: Array<Uint8Array | string>, now: Date): ParsedCertificate[] {
  const chain = x5c.map((der, i) => parse(der, `x5c[${i}]`));
  const roots = trustedRoots.map((r, i) => parse(r, `trusted root ${i}`));
  if (!roots.length) throw new Error('no trusted attestation roots configured');

  const leaf = chain[0];
  if (leaf.isCa) throw bad('x5c[0] is a CA certificate, not an attestation leaf');
  chain.forEach((cert, i) => {
    checkTime(cert, `x5c[${i}]`, now);
    checkCritical(cert, `x5c[${i}]`);
  });
  for (let i = 0; i + 1 < chain.length; i++) {
    const issuer = chain[i + 1];
    if (!issuer.isCa || !hasKeyCertSign(issuer)) throw bad(`x5c[${i + 1}] (${issuer.subject}) is not a CA certificate`);
    if (!signedBy(chain[i], issuer)) throw bad(`x5c[${i}] (${chain[i].subject}) is not signed by x5c[${i + 1}] (${issuer.subject})`);
  }

  const last = chain[chain.length - 1];
  const isRoot = (r: ParsedCertificate) => Buffer.compare(r.der, last.der) === 0;
  if (roots.some(isRoot)) return chain;
  const anchor = roots.find((r) => r.isCa && hasKeyCertSign(r) && signedBy(last, r));
  if (!anchor) throw bad(`x5c does not chain to a trusted Apple attestation root (last issuer: ${last.issuer})`);
  checkTime(anchor, 'The attestation root', now);
  return [...chain, anchor];
}

function textExtension(cert: ParsedCertificate, oid: string): string | undefined {
  const ext = cert.extensions.find((e) => e.oid === oid);
  if (!ext) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(ext.value);
  } catch {
    throw bad(`The attestation extension ${oid} is not UTF-8 text`);
  }
  return text;
}

export const chainEntry = (c: ParsedCertificate): ChainEntry => ({
  subject: c.subject,
  issuer: c.issuer,
  serialNumberHex: c.serialNumberHex,
  sha256: certificateFingerprint(c.der).hex,
  notBefore: c.notBefore.toISOString(),
  notAfter: c.notAfter.toISOString(),
});

/** The identity fields of an Apple attestation leaf, read without judging the chain. */
export function readAppleLeaf(leaf: ParsedCertificate) {
  const serialNumber = textExtension(leaf, APPLE_OID.serialNumber);
  const nonce = leaf.extensions.find((e) => e.oid === APPLE_OID.nonce)?.value;
  return {
    serialNumber,
    udid: textExtension(leaf, APPLE_OID.udid),
    osVersion: textExtension(leaf, APPLE_OID.osVersion),
    sepOsVersion: textExtension(leaf, APPLE_OID.sepOsVersion),
    llbVersion: textExtension(leaf, APPLE_OID.llbVersion),
    nonce: nonce ? Buffer.from(nonce) : undefined,
  };
}

/**
 * Verifies an `apple` attestation statement and returns what it proves. The freshness code is
 * required: smallstep accepts statements without one for old clients, but such a statement could
 * be replayed from any earlier enrollment of the device, so Tessera refuses it.
 */
export function verifyAppleAttestation(input: AppleAttestationInput): AppleAttestationResult {
  const now = input.now ?? new Date();
  const x5c = readX5c(input.attStmt);
  const chain = verifyAttestationChain(x5c, input.trustedRoots, now);
  const leaf = chain[0];
  const fields = readAppleLeaf(leaf);

  if (!fields.nonce) throw bad('The attestation leaf has no freshness code (1.2.840.113635.100.8.11.1)');
  const expected = createHash('sha256').update(input.token, 'utf8').digest();
  if (fields.nonce.length !== expected.length || !timingSafeEqual(fields.nonce, expected)) {
    throw bad('The attestation was not made for this challenge: its freshness code is not the SHA-256 of the token');
  }
  if (!fields.serialNumber || !/^[\x21-\x7e]{1,64}$/.test(fields.serialNumber)) {
    throw bad('The attestation leaf carries no usable serial number (1.2.840.113635.100.8.9.1)');
  }
  const keyType = leaf.publicKey().asymmetricKeyType;
  if (keyType !== 'ec' && keyType !== 'rsa') throw bad(`The attested key type ${keyType} is not supported`);

  const spki = Buffer.from(leaf.subjectPublicKeyInfoDer);
  return {
    serialNumber: fields.serialNumber,
    udid: fields.udid || undefined,
    attestedPublicKeySpkiDer: spki,
    leafDer: leaf.der,
    evidence: {
      format: 'apple',
      serialNumber: fields.serialNumber,
      ...(fields.udid ? { udid: fields.udid } : {}),
      ...(fields.osVersion ? { osVersion: fields.osVersion } : {}),
      ...(fields.sepOsVersion ? { sepOsVersion: fields.sepOsVersion } : {}),
      ...(fields.llbVersion ? { llbVersion: fields.llbVersion } : {}),
      attestedKeySha256: createHash('sha256').update(spki).digest('hex'),
      chain: chain.map(chainEntry),
    },
  };
}

/** draft-acme-device-attest §5 as smallstep applies it: the identifier is the serial or the UDID. */
export function appleIdentifierMatches(result: Pick<AppleAttestationResult, 'serialNumber' | 'udid'>, identifier: string): boolean {
  return identifier === result.serialNumber || (!!result.udid && identifier === result.udid);
}
