// KeyTransRecipientInfo.keyEncryptionAlgorithm (RFC 3370 §4.2.1 rsaEncryption, RFC 8017 A.2.1
// RSAES-OAEP-params) read into and written from a KeyTransport.
import { digestForOid, DIGEST_OID } from '@/lib/pki/algorithms';
import { isContext, readConstructed, readOctetString, readOid, readSequence, type DerNode } from '@/lib/pki/der-reader';
import { algorithmIdentifier, explicit, nullValue, sequence } from '@/lib/pki/der-writer';
import { OID } from '@/lib/pki/oids';
import type { KeyTransport } from './rsa-pkcs1-unpad';

type OaepHash = Extract<KeyTransport, { scheme: 'rsa-oaep' }>['hash'];

/** Undefined for algorithms we cannot decrypt (the caller answers badAlg). */
export function readKeyTransport(algorithm: DerNode): KeyTransport | undefined {
  const [oidNode, params] = readSequence(algorithm, 1, 2);
  const oid = readOid(oidNode);
  if (oid === OID.rsaEncryption) return { scheme: 'rsa-pkcs1' };
  if (oid !== OID.rsaesOaep) return undefined;

  let hash = 'sha1';
  let mgfHash = 'sha1';
  if (params) {
    for (const field of readSequence(params)) {
      const inner = readConstructed(field)[0];
      if (!inner) return undefined;
      if (isContext(field, 0)) {
        hash = digestForOid(readOid(readSequence(inner, 1, 2)[0])) ?? '';
      } else if (isContext(field, 1)) {
        const [mgf, mgfParams] = readSequence(inner, 2, 2);
        if (readOid(mgf) !== OID.mgf1) return undefined;
        mgfHash = digestForOid(readOid(readSequence(mgfParams, 1, 2)[0])) ?? '';
      } else if (isContext(field, 2)) {
        // Only the empty label is in use; a label would have to be fed to OpenSSL separately.
        const [source, label] = readSequence(inner, 1, 2);
        if (readOid(source) !== OID.pSpecified || (label && readOctetString(label).length > 0)) return undefined;
      }
    }
  }
  // Node's OAEP uses the same digest for the label hash and MGF1.
  if (hash !== mgfHash || !['sha1', 'sha256', 'sha384', 'sha512'].includes(hash)) return undefined;
  return { scheme: 'rsa-oaep', hash: hash as OaepHash };
}

export function writeKeyTransport(transport: KeyTransport): Buffer {
  if (transport.scheme === 'rsa-pkcs1') return algorithmIdentifier(OID.rsaEncryption, nullValue());
  if (transport.hash === 'sha1') return algorithmIdentifier(OID.rsaesOaep, sequence()); // all defaults
  const hashAlg = algorithmIdentifier(DIGEST_OID[transport.hash]);
  return algorithmIdentifier(
    OID.rsaesOaep,
    sequence(explicit(0, hashAlg), explicit(1, algorithmIdentifier(OID.mgf1, hashAlg))),
  );
}
