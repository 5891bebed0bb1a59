// Digest and signature algorithm tables (RFC 3279, RFC 4055, RFC 5754, RFC 5758, RFC 8410):
// which OIDs we accept from clients and which we emit.
import { OID } from './oids';

export type DigestName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

const DIGEST_BY_OID: Record<string, DigestName> = {
  [OID.sha1]: 'sha1',
  [OID.sha224]: 'sha224',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

export const DIGEST_OID: Record<DigestName, string> = {
  sha1: OID.sha1,
  sha224: OID.sha224,
  sha256: OID.sha256,
  sha384: OID.sha384,
  sha512: OID.sha512,
};

/** The digest for an OID, or undefined for ones we refuse (MD5, unknown). */
export function digestForOid(oid: string): DigestName | undefined {
  return DIGEST_BY_OID[oid];
}

export interface SignatureScheme {
  keyType: 'rsa' | 'ec' | 'ed25519';
  /** Undefined for rsaEncryption in CMS, where the digest comes from SignerInfo.digestAlgorithm. */
  digest?: DigestName;
}

const SIGNATURE_SCHEMES: Record<string, SignatureScheme> = {
  [OID.rsaEncryption]: { keyType: 'rsa' },
  [OID.sha1WithRsa]: { keyType: 'rsa', digest: 'sha1' },
  [OID.sha224WithRsa]: { keyType: 'rsa', digest: 'sha224' },
  [OID.sha256WithRsa]: { keyType: 'rsa', digest: 'sha256' },
  [OID.sha384WithRsa]: { keyType: 'rsa', digest: 'sha384' },
  [OID.sha512WithRsa]: { keyType: 'rsa', digest: 'sha512' },
  [OID.ecdsaWithSha1]: { keyType: 'ec', digest: 'sha1' },
  [OID.ecdsaWithSha224]: { keyType: 'ec', digest: 'sha224' },
  [OID.ecdsaWithSha256]: { keyType: 'ec', digest: 'sha256' },
  [OID.ecdsaWithSha384]: { keyType: 'ec', digest: 'sha384' },
  [OID.ecdsaWithSha512]: { keyType: 'ec', digest: 'sha512' },
  [OID.ed25519]: { keyType: 'ed25519' },
};

/** Undefined for schemes we refuse: MD5, RSASSA-PSS (no SCEP client uses it), unknown OIDs. */
export function signatureSchemeForOid(oid: string): SignatureScheme | undefined {
  return SIGNATURE_SCHEMES[oid];
}
