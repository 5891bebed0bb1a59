// A "certs-only" degenerate SignedData (RFC 5652 §5.2, RFC 8894 §3.4): no content, no signers,
// just certificates. It carries the CA chain in GetCACert and the issued certificate in CertRep.
import { explicit, implicit, oid, sequence, setOf, integer, tlv } from '@/lib/pki/der-writer';
import { OID } from '@/lib/pki/oids';

/** ContentInfo DER; certificates keep the given order (clients read the first as "the" cert). */
export function degenerateSignedData(certificates: Uint8Array[]): Buffer {
  const signedData = sequence(
    integer(1),
    setOf([]), // digestAlgorithms
    sequence(oid(OID.data)), // encapContentInfo without eContent
    // SET OF in BER terms; not sorted, because clients take certificates[0] as the issued one.
    implicit(0, Buffer.concat(certificates), true),
    tlv(0x31, Buffer.alloc(0)), // signerInfos
  );
  return sequence(oid(OID.signedData), explicit(0, signedData));
}
