// AK certificates (TCG EK Credential Profile §3.2 for the SAN, WebAuthn §8.3.1 "TPM attestation
// statement certificate requirements"): empty subject, critical subjectAltName carrying the EK URI
// (as a URI and as an RFC 4043 permanentIdentifier) and the TPM's model when known, EKU
// tcg-kp-AIKCertificate (2.23.133.8.3), digitalSignature only, not a CA.
import type { KeyObject } from 'node:crypto';
import { buildCertificate, randomSerialNumber } from '@/lib/pki/build-certificate';
import { createSigner } from '@/lib/pki/create-signer';
import { isContext, readDer, readOid, readSequence } from '@/lib/pki/der-reader';
import { explicit, oid, sequence, tlv, utf8String } from '@/lib/pki/der-writer';
import { encodeName } from '@/lib/pki/distinguished-name';
import { authorityKeyIdentifier, basicConstraints, extKeyUsage, keyIdentifier, keyUsage, KeyUsageBit, subjectKeyIdentifier } from '@/lib/pki/extensions';
import { OID } from '@/lib/pki/oids';
import { parseCertificate, serialToHex, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { readSubjectAltNames } from '@/lib/pki/parse-csr';
import { toPem } from '@/lib/pki/pem';
import type { TpmDeviceInfo } from './ek';
import { EK_URI_PREFIX } from './ek';

export const OID_TCG_KP_AIK_CERTIFICATE = '2.23.133.8.3';
export const OID_PERMANENT_IDENTIFIER = '1.3.6.1.5.5.7.8.3';
const TCG_AT_TPM = { manufacturer: '2.23.133.2.1', model: '2.23.133.2.2', version: '2.23.133.2.3' } as const;

export interface IssueAkCertificateInput {
  akPublicKey: KeyObject;
  ekUri: string;
  tpm?: TpmDeviceInfo;
  issuerCertificate: Uint8Array | string | ParsedCertificate;
  issuerPrivateKey: KeyObject | string;
  notBefore: Date;
  notAfter: Date;
}

export interface IssuedAkCertificate {
  der: Buffer;
  pem: string;
  serialNumberHex: string;
  notBefore: Date;
  notAfter: Date;
}

function subjectAltName(ekUri: string, tpm?: TpmDeviceInfo): Buffer {
  const names: Buffer[] = [
    tlv(0x86, Buffer.from(ekUri, 'ascii')), // uniformResourceIdentifier [6] IA5String
    // otherName [0] { type-id permanentIdentifier, value [0] EXPLICIT PermanentIdentifier }
    tlv(0xa0, Buffer.concat([oid(OID_PERMANENT_IDENTIFIER), explicit(0, sequence(utf8String(ekUri)))])),
  ];
  const attrs = (Object.keys(TCG_AT_TPM) as Array<keyof typeof TCG_AT_TPM>)
    .filter((k) => tpm?.[k])
    .map((k): [string, string] => [TCG_AT_TPM[k], tpm![k]!]);
  if (attrs.length) names.push(explicit(4, encodeName(attrs))); // directoryName [4]
  return sequence(...names);
}

export function issueAkCertificate(input: IssueAkCertificateInput): IssuedAkCertificate {
  if (!input.ekUri.startsWith(EK_URI_PREFIX)) throw new Error('the EK URI must start with urn:ek:sha256:');
  const issuer = input.issuerCertificate instanceof Uint8Array || typeof input.issuerCertificate === 'string' ? parseCertificate(input.issuerCertificate) : input.issuerCertificate;
  const spki = input.akPublicKey.export({ type: 'spki', format: 'der' });
  const notAfter = new Date(Math.min(input.notAfter.getTime(), issuer.notAfter.getTime()));
  const serial = randomSerialNumber();
  const der = buildCertificate({
    serialNumber: serial,
    issuerDer: issuer.subjectDer,
    subjectDer: sequence(), // empty subject (WebAuthn §8.3.1); the SAN is then critical (RFC 5280 §4.2.1.6)
    notBefore: input.notBefore,
    notAfter,
    subjectPublicKeyInfoDer: spki,
    extensions: [
      basicConstraints(false),
      keyUsage([KeyUsageBit.digitalSignature]),
      extKeyUsage([OID_TCG_KP_AIK_CERTIFICATE]),
      { oid: OID.subjectAltName, critical: true, value: subjectAltName(input.ekUri, input.tpm) },
      subjectKeyIdentifier(keyIdentifier(spki)),
      authorityKeyIdentifier(issuer.subjectKeyIdentifier ?? keyIdentifier(issuer.subjectPublicKeyInfoDer)),
    ],
    signer: createSigner(input.issuerPrivateKey),
  });
  const parsed = parseCertificate(der);
  return { der, pem: toPem(der, 'CERTIFICATE'), serialNumberHex: serialToHex(serial), notBefore: parsed.notBefore, notAfter: parsed.notAfter };
}

/** The EK URIs an AK certificate names: SAN URIs and permanentIdentifier values of the urn:ek form. */
export function akCertificateEkUris(cert: ParsedCertificate): string[] {
  const san = cert.extensions.find((e) => e.oid === OID.subjectAltName);
  if (!san) return [];
  const names = readSubjectAltNames(san.value);
  const found = new Set(names.uris.filter((u) => u.startsWith(EK_URI_PREFIX)));
  for (const other of names.otherNames) {
    if (other.typeId !== OID_PERMANENT_IDENTIFIER) continue;
    try {
      const [value] = readSequence(readDer(other.value), 0, 2);
      if (value && !isContext(value, 0) && value.tagNumber === 12) {
        const text = Buffer.from(value.content).toString('utf8');
        if (text.startsWith(EK_URI_PREFIX)) found.add(text);
      }
    } catch {
      // A malformed permanentIdentifier names nothing.
    }
  }
  return [...found];
}

/** The extended key usage OIDs of a certificate (empty when the extension is absent). */
export function extendedKeyUsages(cert: ParsedCertificate): string[] {
  const ext = cert.extensions.find((e) => e.oid === OID.extKeyUsage);
  if (!ext) return [];
  return readSequence(readDer(ext.value)).map(readOid);
}
