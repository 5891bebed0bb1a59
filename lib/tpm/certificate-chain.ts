// Certification path building and checking (RFC 5280 §6, reduced to what device attestation needs):
// from a leaf through the given intermediates to one of the trust anchors, each signature checked
// with the issuer's key, every issuer a CA. Anchors are trusted keys: any certificate in the anchor
// set may end a path, self-signed or not (vendor EK intermediates are often shipped as anchors).
import { X509Certificate, type KeyObject } from 'node:crypto';
import { readDer, readSequence } from '@/lib/pki/der-reader';
import { OID } from '@/lib/pki/oids';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { UnsupportedAlgorithmError, verifySignature } from '@/lib/pki/verify-signature';

export class ChainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChainError';
  }
}

export interface VerifyChainInput {
  leaf: Uint8Array | ParsedCertificate;
  intermediates?: Array<Uint8Array | ParsedCertificate>;
  anchors: Array<Uint8Array | ParsedCertificate>;
  /** Time at which every certificate of the path must be valid; omit to skip validity periods. */
  validAt?: Date;
  maxDepth?: number;
}

export interface VerifiedChain {
  /** Leaf first, anchor last. */
  path: ParsedCertificate[];
  anchor: ParsedCertificate;
}

const parsed = (c: Uint8Array | ParsedCertificate) => (c instanceof Uint8Array ? parseCertificate(c) : c);
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

function authorityKeyId(cert: ParsedCertificate): Uint8Array | undefined {
  const ext = cert.extensions.find((e) => e.oid === OID.authorityKeyIdentifier);
  if (!ext) return undefined;
  try {
    const first = readSequence(readDer(ext.value))[0];
    return first && first.tagClass === 2 && first.tagNumber === 0 ? first.content : undefined;
  } catch {
    return undefined;
  }
}

/** True when `issuer`'s key made `cert`'s signature. */
export function isSignedBy(cert: ParsedCertificate, issuerKey: KeyObject): boolean {
  try {
    return verifySignature({ algorithm: cert.signatureAlgorithm, publicKey: issuerKey, data: cert.tbs, signature: cert.signature });
  } catch (err) {
    if (!(err instanceof UnsupportedAlgorithmError)) return false;
    // RSASSA-PSS and other schemes our table leaves out: OpenSSL's own check.
    try {
      return new X509Certificate(cert.der).verify(issuerKey);
    } catch {
      return false;
    }
  }
}

function mayIssue(c: ParsedCertificate, isAnchor: boolean): boolean {
  if (isAnchor) return true; // a trust anchor is trusted as configured
  return c.isCa;
}

function withinValidity(c: ParsedCertificate, at: Date): boolean {
  return c.notBefore.getTime() <= at.getTime() && at.getTime() <= c.notAfter.getTime();
}

/** Finds a path from the leaf to an anchor; throws ChainError saying why none was found. */
export function verifyCertificateChain(input: VerifyChainInput): VerifiedChain {
  const leaf = parsed(input.leaf);
  const anchors = input.anchors.map(parsed);
  const intermediates = (input.intermediates ?? []).map(parsed);
  const maxDepth = input.maxDepth ?? 6;
  const at = input.validAt;
  if (at && !withinValidity(leaf, at)) {
    throw new ChainError(`the certificate is not valid at ${at.toISOString()} (valid ${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()})`);
  }
  // An anchor presented as the leaf itself is trusted directly.
  if (anchors.some((a) => sameBytes(a.der, leaf.der))) return { path: [leaf], anchor: leaf };

  let reason = `no trusted issuer found for "${leaf.issuer || '(empty issuer)'}"`;
  const walk = (cert: ParsedCertificate, path: ParsedCertificate[]): VerifiedChain | null => {
    if (path.length > maxDepth) {
      reason = 'the certificate chain is too long';
      return null;
    }
    const aki = authorityKeyId(cert);
    const candidates = [...anchors.map((c) => ({ c, anchor: true })), ...intermediates.map((c) => ({ c, anchor: false }))].filter(
      ({ c }) => sameBytes(c.subjectDer, cert.issuerDer) && !(aki && c.subjectKeyIdentifier && !sameBytes(aki, c.subjectKeyIdentifier)),
    );
    for (const { c, anchor } of candidates) {
      if (path.some((p) => sameBytes(p.der, c.der))) continue; // a loop
      let key: KeyObject;
      try {
        key = c.publicKey();
      } catch {
        continue;
      }
      if (!isSignedBy(cert, key)) {
        reason = `the signature of "${cert.subject || '(empty subject)'}" does not verify with the key of "${c.subject}"`;
        continue;
      }
      if (!mayIssue(c, anchor)) {
        reason = `"${c.subject}" is not a CA certificate`;
        continue;
      }
      if (at && !withinValidity(c, at)) {
        reason = `"${c.subject}" is not valid at ${at.toISOString()}`;
        continue;
      }
      if (anchor) return { path: [...path, c], anchor: c };
      const found = walk(c, [...path, c]);
      if (found) return found;
    }
    return null;
  };
  const result = walk(leaf, [leaf]);
  if (!result) throw new ChainError(reason);
  return result;
}
