// RFC 4043 PermanentIdentifier as a subjectAltName otherName, the name device certificates carry
// for the identifier the attestation proved (as smallstep's attested-leaf template does).
import { explicit, oid, sequence, tlv, utf8String } from '@/lib/pki/der-writer';

export const OID_PERMANENT_IDENTIFIER = '1.3.6.1.5.5.7.8.3';

/** GeneralNames with one otherName { id-on-permanentIdentifier, PermanentIdentifier { value } }. */
export function permanentIdentifierSubjectAltName(value: string): Buffer {
  const otherName = tlv(0xa0, Buffer.concat([oid(OID_PERMANENT_IDENTIFIER), explicit(0, sequence(utf8String(value)))]));
  return sequence(otherName);
}
