// Builds a CMS EnvelopedData (RFC 5652 §6.1) for one RSA recipient identified by issuer and
// serial number, as the pkcsPKIEnvelope of a CertRep (RFC 8894 §3.3.2).
import { constants, publicEncrypt, randomBytes } from 'node:crypto';
import { algorithmIdentifier, explicit, implicit, integer, octetString, oid, sequence, setOf, tlv } from '@/lib/pki/der-writer';
import { OID } from '@/lib/pki/oids';
import type { ParsedCertificate } from '@/lib/pki/parse-certificate';
import { CONTENT_CIPHERS, encryptContent, generateContentKey, type ContentCipher } from './content-cipher';
import { writeKeyTransport } from './key-transport-algorithm';
import type { KeyTransport } from './rsa-pkcs1-unpad';

export interface SealInput {
  content: Uint8Array;
  recipient: ParsedCertificate;
  cipher: ContentCipher;
  keyTransport?: KeyTransport;
}

/** ContentInfo DER of the EnvelopedData. */
export function sealEnvelopedData(input: SealInput): Buffer {
  const transport = input.keyTransport ?? { scheme: 'rsa-pkcs1' };
  const spec = CONTENT_CIPHERS[input.cipher];
  const key = generateContentKey(input.cipher);
  const iv = randomBytes(spec.blockSize);
  const publicKey = input.recipient.publicKey();
  if (publicKey.asymmetricKeyType !== 'rsa') throw new Error('envelope recipient must have an RSA key');
  const encryptedKey = publicEncrypt(
    transport.scheme === 'rsa-pkcs1'
      ? { key: publicKey, padding: constants.RSA_PKCS1_PADDING }
      : { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: transport.hash },
    key,
  );
  const recipientInfo = sequence(
    integer(0), // version 0: rid is IssuerAndSerialNumber
    // Issuer bytes copied verbatim: clients match them byte for byte against their certificate.
    sequence(Buffer.from(input.recipient.issuerDer), tlv(0x02, input.recipient.serialNumber)),
    writeKeyTransport(transport),
    octetString(encryptedKey),
  );
  const envelopedData = sequence(
    integer(0),
    setOf([recipientInfo]),
    sequence(
      oid(OID.data),
      algorithmIdentifier(spec.oid, octetString(iv)),
      implicit(0, encryptContent(input.cipher, key, iv, input.content), false),
    ),
  );
  return sequence(oid(OID.envelopedData), explicit(0, envelopedData));
}
