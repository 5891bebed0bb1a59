// Reads a CMS SignedData with one signer (RFC 5652 §5) and checks it (§5.4, §5.6): messageDigest
// against the content, contentType against eContentType, the signature over the DER SET OF the
// signed attributes. The outcome is returned rather than thrown, because a SCEP server still
// answers a badly signed request with a CertRep that echoes its transactionID.
import { createHash, timingSafeEqual } from 'node:crypto';
import { digestForOid, type DigestName } from '@/lib/pki/algorithms';
import {
  DerError,
  isContext,
  isUniversal,
  readConstructed,
  readDer,
  readIntegerBytes,
  readOctetString,
  readOid,
  readSequence,
  readSet,
  readStringBytes,
  Tag,
  type DerNode,
} from '@/lib/pki/der-reader';
import { OID } from '@/lib/pki/oids';
import {
  parseCertificate,
  readAlgorithmIdentifier,
  serialToHex,
  type AlgorithmIdentifier,
  type ParsedCertificate,
} from '@/lib/pki/parse-certificate';
import { UnsupportedAlgorithmError, verifySignature } from '@/lib/pki/verify-signature';

export type SignatureCheck = 'valid' | 'invalid' | 'unsupported-algorithm' | 'signer-not-found';

export interface ReadSignedData {
  eContentType: string;
  /** eContent bytes (constructed OCTET STRINGs joined); undefined when absent. */
  content?: Buffer;
  certificates: ParsedCertificate[];
  /** Signed attribute values by OID. */
  signedAttributes: Map<string, DerNode[]>;
  digestAlgorithm: AlgorithmIdentifier;
  /** Undefined when the digest algorithm is not one we accept. */
  digest?: DigestName;
  signer?: ParsedCertificate;
  check: SignatureCheck;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Throws DerError (or CertificateError) when the structure is not a SignedData at all. */
export function readSignedData(der: Uint8Array, options: { extraCertificates?: ParsedCertificate[] } = {}): ReadSignedData {
  const [type, wrapped] = readSequence(readDer(der), 2, 2);
  if (readOid(type) !== OID.signedData || !isContext(wrapped, 0)) throw new DerError('not a SignedData');
  const [signedData] = readConstructed(wrapped);
  if (!signedData) throw new DerError('empty SignedData');
  const parts = readSequence(signedData, 4, 6);
  let i = 1; // version
  readSet(parts[i++]); // digestAlgorithms: the SignerInfo names the one that counts
  const [eContentTypeNode, eContentNode] = readSequence(parts[i++], 1, 2);
  const eContentType = readOid(eContentTypeNode);
  let content: Buffer | undefined;
  if (eContentNode) {
    if (!isContext(eContentNode, 0)) throw new DerError('bad eContent');
    const [octets] = readConstructed(eContentNode);
    if (!octets) throw new DerError('empty eContent');
    content = Buffer.from(readOctetString(octets));
  }
  const certificates: ParsedCertificate[] = [];
  for (; i < parts.length - 1; i++) {
    if (isContext(parts[i], 0)) {
      for (const cert of readConstructed(parts[i])) {
        // Attribute certificates and other choices are context-tagged; only plain X.509 matter.
        if (isUniversal(cert, Tag.sequence)) certificates.push(parseCertificate(cert.bytes));
      }
    } else if (!isContext(parts[i], 1)) {
      throw new DerError('unexpected field in SignedData');
    }
  }
  const signerInfos = readSet(parts[parts.length - 1]);
  if (signerInfos.length !== 1) throw new DerError(`expected one signer, found ${signerInfos.length}`);

  const si = readSequence(signerInfos[0], 5, 7);
  const [, sid, digestAlgNode] = si;
  const digestAlgorithm = readAlgorithmIdentifier(digestAlgNode);
  const signedAttrsNode = isContext(si[3], 0) ? si[3] : undefined;
  const rest = si.slice(signedAttrsNode ? 4 : 3);
  if (rest.length < 2) throw new DerError('bad SignerInfo');
  const signatureAlgorithm = readAlgorithmIdentifier(rest[0]);
  const signature = readOctetString(rest[1]);

  const signedAttributes = new Map<string, DerNode[]>();
  if (signedAttrsNode) {
    for (const attr of readConstructed(signedAttrsNode)) {
      const [attrType, values] = readSequence(attr, 2, 2);
      const key = readOid(attrType);
      if (signedAttributes.has(key)) throw new DerError(`attribute ${key} appears twice`);
      signedAttributes.set(key, readSet(values));
    }
  }

  // Find the signer: issuerAndSerialNumber (v1) or subjectKeyIdentifier [0] (v3).
  const pool = [...certificates, ...(options.extraCertificates ?? [])];
  let signer: ParsedCertificate | undefined;
  if (isUniversal(sid, Tag.sequence)) {
    const [issuer, serial] = readSequence(sid, 2, 2);
    const serialHex = serialToHex(readIntegerBytes(serial));
    signer = pool.find((c) => sameBytes(c.issuerDer, issuer.bytes) && c.serialNumberHex === serialHex);
  } else if (isContext(sid, 0)) {
    const ski = readStringBytes(sid, Tag.octetString);
    signer = pool.find((c) => c.subjectKeyIdentifier && sameBytes(c.subjectKeyIdentifier, ski));
  } else {
    throw new DerError('bad SignerIdentifier');
  }

  const digest = digestForOid(digestAlgorithm.oid);
  const base = { eContentType, content, certificates, signedAttributes, digestAlgorithm, digest, signer };
  if (!digest) return { ...base, check: 'unsupported-algorithm' };
  if (!signer) return { ...base, check: 'signer-not-found' };
  // SCEP messages always carry signed attributes; without them there is nothing to bind.
  if (!signedAttrsNode) return { ...base, check: 'invalid' };

  const messageDigest = signedAttributes.get(OID.messageDigest);
  const contentType = signedAttributes.get(OID.contentType);
  if (messageDigest?.length !== 1 || contentType?.length !== 1) return { ...base, check: 'invalid' };
  const expected = createHash(digest).update(content ?? new Uint8Array()).digest();
  if (!sameBytes(readOctetString(messageDigest[0]), expected)) return { ...base, check: 'invalid' };
  if (readOid(contentType[0]) !== eContentType) return { ...base, check: 'invalid' };

  const signedBytes = Buffer.from(signedAttrsNode.bytes);
  signedBytes[0] = 0x31; // verify over the SET OF encoding, not the [0] IMPLICIT one
  try {
    const ok = verifySignature({
      algorithm: signatureAlgorithm,
      digest,
      publicKey: signer.publicKey(),
      data: signedBytes,
      signature,
    });
    return { ...base, check: ok ? 'valid' : 'invalid' };
  } catch (err) {
    if (err instanceof UnsupportedAlgorithmError) return { ...base, check: 'unsupported-algorithm' };
    throw err;
  }
}
