// Issues a client-authentication leaf from a PKCS#10 request (RFC 5280 §4.1, §4.2.1): subject and
// subjectAltName come from the CSR, everything else from the CA's profile.
import type { KeyObject } from 'node:crypto';
import { buildCertificate, randomSerialNumber } from './build-certificate';
import { createSigner } from './create-signer';
import {
  authorityKeyIdentifier,
  basicConstraints,
  crlDistributionPoints,
  extKeyUsage,
  keyIdentifier,
  keyUsage,
  KeyUsageBit,
  subjectKeyIdentifier,
  type EncodedExtension,
} from './extensions';
import { OID } from './oids';
import { parseCertificate, serialToHex } from './parse-certificate';
import { CsrError, parseCsr, type ParsedCsr } from './parse-csr';
import { toPem } from './pem';
import { formatName, parseName } from './distinguished-name';

export interface IssueCertificateInput {
  /** CSR DER/PEM, or a CSR already returned by parseCsr (its signature is then trusted). */
  csr: Uint8Array | string | ParsedCsr;
  issuerCertificate: Uint8Array | string;
  issuerPrivateKey: KeyObject | string;
  notBefore: Date;
  notAfter: Date;
  /** URLs for the crlDistributionPoints extension, so relying parties can find our CRL. */
  crlUrls?: string[];
  /** Smallest RSA modulus accepted; default 2048 (NIST SP 800-131A). */
  minimumRsaBits?: number;
  /**
   * Names the issuer decides instead of the CSR's (ACME device-attest-01: the attested permanent
   * identifier). The CSR's own subject and subjectAltName are then ignored.
   */
  names?: { subjectDer: Uint8Array; subjectAltName?: Uint8Array };
}

export interface IssuedCertificate {
  certificateDer: Buffer;
  certificatePem: string;
  serialNumberHex: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

function isParsed(csr: IssueCertificateInput['csr']): csr is ParsedCsr {
  return typeof csr === 'object' && !(csr instanceof Uint8Array) && 'subjectPublicKeyInfoDer' in csr;
}

/** Throws CsrError for a request we will not sign (bad signature, weak key, no identity). */
export function issueCertificate(input: IssueCertificateInput): IssuedCertificate {
  const csr = isParsed(input.csr) ? input.csr : parseCsr(input.csr);
  const issuer = parseCertificate(input.issuerCertificate);

  const minimumRsaBits = input.minimumRsaBits ?? 2048;
  if (csr.keyType === 'rsa' && (csr.keyBits ?? 0) < minimumRsaBits) {
    throw new CsrError('weak-key', `RSA key of ${csr.keyBits} bits is below ${minimumRsaBits}`);
  }
  if (csr.keyType === 'ec' && !['prime256v1', 'secp384r1', 'secp521r1'].includes(csr.namedCurve ?? '')) {
    throw new CsrError('unsupported-key', `EC curve ${csr.namedCurve} is not supported`);
  }

  const san = input.names
    ? input.names.subjectAltName && { value: input.names.subjectAltName }
    : csr.requestedExtensions.find((e) => e.oid === OID.subjectAltName);
  const subjectDer = input.names?.subjectDer ?? csr.subjectDer;
  const subjectEmpty = input.names ? parseName(subjectDer).length === 0 : csr.subjectAttributes.length === 0;
  if (subjectEmpty && !san) throw new CsrError('malformed', 'CSR has neither a subject nor a subjectAltName');

  // A leaf cannot usefully outlive its issuer: validators would reject it after that date anyway.
  const notAfter = new Date(Math.min(input.notAfter.getTime(), issuer.notAfter.getTime()));
  if (notAfter.getTime() <= input.notBefore.getTime()) throw new Error('validity ends before it starts');

  const usage: number[] = [KeyUsageBit.digitalSignature];
  // RSA clients (802.1X EAP-TLS with RSA key exchange, S/MIME) also need key encipherment.
  if (csr.keyType === 'rsa') usage.push(KeyUsageBit.keyEncipherment);

  const issuerKeyId = issuer.subjectKeyIdentifier ?? keyIdentifier(issuer.subjectPublicKeyInfoDer);
  const extensions: EncodedExtension[] = [
    basicConstraints(false),
    keyUsage(usage),
    extKeyUsage([OID.clientAuth]),
    subjectKeyIdentifier(keyIdentifier(csr.subjectPublicKeyInfoDer)),
    authorityKeyIdentifier(issuerKeyId),
  ];
  // Only the names are taken from the request; any other requested extension (basicConstraints,
  // keyUsage, ...) would let a client choose its own powers, so it is ignored.
  // RFC 5280 §4.2.1.6: with an empty subject the SAN extension must be critical.
  if (san) extensions.push({ oid: OID.subjectAltName, critical: subjectEmpty, value: san.value });
  if (input.crlUrls?.length) extensions.push(crlDistributionPoints(input.crlUrls));

  const serial = randomSerialNumber();
  const der = buildCertificate({
    serialNumber: serial,
    issuerDer: issuer.subjectDer,
    subjectDer,
    notBefore: input.notBefore,
    notAfter,
    subjectPublicKeyInfoDer: csr.subjectPublicKeyInfoDer,
    extensions,
    signer: createSigner(input.issuerPrivateKey),
  });
  return {
    certificateDer: der,
    certificatePem: toPem(der, 'CERTIFICATE'),
    serialNumberHex: serialToHex(serial),
    subject: input.names ? formatName(subjectDer) : csr.subject,
    notBefore: new Date(Math.floor(input.notBefore.getTime() / 1000) * 1000),
    notAfter: new Date(Math.floor(notAfter.getTime() / 1000) * 1000),
  };
}
