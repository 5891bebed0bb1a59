// Encoders for the certificate and CRL extensions we issue (RFC 5280 §4.2, §5.2, §5.3).
import { createHash } from 'node:crypto';
import {
  boolean,
  enumerated,
  explicit,
  implicit,
  integer,
  namedBits,
  octetString,
  oid,
  sequence,
  tlv,
} from './der-writer';
import { OID } from './oids';
import { readBitString, readDer, readSequence } from './der-reader';

export interface EncodedExtension {
  oid: string;
  critical: boolean;
  /** DER of the extension's value type (wrapped in extnValue OCTET STRING when encoded). */
  value: Uint8Array;
}

export function encodeExtension(ext: EncodedExtension): Buffer {
  return ext.critical
    ? sequence(oid(ext.oid), boolean(true), octetString(ext.value))
    : sequence(oid(ext.oid), octetString(ext.value));
}

export function encodeExtensions(exts: EncodedExtension[]): Buffer {
  return sequence(...exts.map(encodeExtension));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING value of an SPKI. */
export function keyIdentifier(subjectPublicKeyInfoDer: Uint8Array): Buffer {
  const [, key] = readSequence(readDer(subjectPublicKeyInfoDer), 2, 2);
  return createHash('sha1').update(readBitString(key).bytes).digest();
}

export const KeyUsageBit = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

export function basicConstraints(ca: boolean, pathLength?: number): EncodedExtension {
  const parts: Buffer[] = [];
  if (ca) parts.push(boolean(true));
  if (ca && pathLength !== undefined) parts.push(integer(pathLength));
  return { oid: OID.basicConstraints, critical: true, value: sequence(...parts) };
}

export function keyUsage(bits: number[]): EncodedExtension {
  return { oid: OID.keyUsage, critical: true, value: namedBits(bits) };
}

export function extKeyUsage(purposes: string[]): EncodedExtension {
  return { oid: OID.extKeyUsage, critical: false, value: sequence(...purposes.map((p) => oid(p))) };
}

export function subjectKeyIdentifier(id: Uint8Array): EncodedExtension {
  return { oid: OID.subjectKeyIdentifier, critical: false, value: octetString(id) };
}

export function authorityKeyIdentifier(id: Uint8Array): EncodedExtension {
  return { oid: OID.authorityKeyIdentifier, critical: false, value: sequence(implicit(0, id, false)) };
}

/** One DistributionPoint per URL, each with a fullName URI (RFC 5280 §4.2.1.13). */
export function crlDistributionPoints(urls: string[]): EncodedExtension {
  const points = urls.map((url) => {
    const uri = tlv(0x86, Buffer.from(url, 'latin1')); // GeneralName uniformResourceIdentifier [6]
    // distributionPoint [0] holds a CHOICE, so it is explicit; fullName [0] is implicit GeneralNames.
    return sequence(explicit(0, implicit(0, uri, true)));
  });
  return { oid: OID.crlDistributionPoints, critical: false, value: sequence(...points) };
}

export function crlNumber(value: bigint): EncodedExtension {
  return { oid: OID.crlNumber, critical: false, value: integer(value) };
}

export function crlReason(code: number): EncodedExtension {
  return { oid: OID.crlReason, critical: false, value: enumerated(code) };
}
