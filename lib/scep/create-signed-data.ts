// Builds a CMS SignedData (RFC 5652 §5) with one signer and signed attributes, as the outer
// pkiMessage of SCEP (RFC 8894 §3.2). Signed attributes are DER-sorted (SET OF, X.690 §11.6):
// verifiers re-encode them before checking, and an unsorted set then fails on strict clients.
import { createHash, sign, type KeyObject } from 'node:crypto';
import { DIGEST_OID, type DigestName } from '@/lib/pki/algorithms';
import {
  algorithmIdentifier,
  explicit,
  implicit,
  integer,
  nullValue,
  octetString,
  oid,
  sequence,
  setOf,
  tlv,
} from '@/lib/pki/der-writer';
import { OID } from '@/lib/pki/oids';
import type { ParsedCertificate } from '@/lib/pki/parse-certificate';

export interface SignedAttribute {
  oid: string;
  /** Encoded attribute values (usually exactly one). */
  values: Uint8Array[];
}

export interface CreateSignedDataInput {
  /** eContent; when undefined the SignedData is detached (no eContent at all). */
  content?: Uint8Array;
  signerCertificate: ParsedCertificate;
  signerKey: KeyObject;
  digest: DigestName;
  /** Attributes besides contentType and messageDigest, which are always added. */
  attributes: SignedAttribute[];
  /** Certificates to include, signer's first by convention. */
  certificates: Uint8Array[];
}

function signatureAlgorithm(key: KeyObject, digest: DigestName): Buffer {
  if (key.asymmetricKeyType === 'rsa') {
    // RFC 3370 §3.2: rsaEncryption here is what every SCEP client understands.
    return algorithmIdentifier(OID.rsaEncryption, nullValue());
  }
  if (key.asymmetricKeyType === 'ec') {
    const byDigest: Partial<Record<DigestName, string>> = {
      sha1: OID.ecdsaWithSha1,
      sha256: OID.ecdsaWithSha256,
      sha384: OID.ecdsaWithSha384,
      sha512: OID.ecdsaWithSha512,
    };
    const alg = byDigest[digest];
    if (alg) return algorithmIdentifier(alg);
  }
  throw new Error(`cannot sign CMS with a ${key.asymmetricKeyType} key and ${digest}`);
}

/** ContentInfo DER of the SignedData. */
export function createSignedData(input: CreateSignedDataInput): Buffer {
  const content = input.content ?? new Uint8Array();
  const digestAlg = algorithmIdentifier(DIGEST_OID[input.digest]);
  const attributes: SignedAttribute[] = [
    { oid: OID.contentType, values: [oid(OID.data)] },
    { oid: OID.messageDigest, values: [octetString(createHash(input.digest).update(content).digest())] },
    ...input.attributes,
  ];
  const signedAttrs = setOf(attributes.map((a) => sequence(oid(a.oid), setOf(a.values))));
  // RFC 5652 §5.4: the signature covers the attributes encoded as SET OF (tag 0x31); in the
  // SignerInfo the same bytes carry the [0] IMPLICIT tag instead.
  const signature = sign(input.digest, signedAttrs, input.signerKey);
  const signerInfo = sequence(
    integer(1),
    sequence(Buffer.from(input.signerCertificate.issuerDer), tlv(0x02, input.signerCertificate.serialNumber)),
    digestAlg,
    Buffer.concat([Buffer.from([0xa0]), signedAttrs.subarray(1)]),
    signatureAlgorithm(input.signerKey, input.digest),
    octetString(signature),
  );
  const encapContentInfo = input.content
    ? sequence(oid(OID.data), explicit(0, octetString(input.content)))
    : sequence(oid(OID.data));
  const signedData = sequence(
    integer(1),
    setOf([digestAlg]),
    encapContentInfo,
    ...(input.certificates.length ? [implicit(0, Buffer.concat(input.certificates), true)] : []),
    setOf([signerInfo]),
  );
  return sequence(oid(OID.signedData), explicit(0, signedData));
}
