// Creates an "Agents authority": an ECDSA P-256 root, an ECDSA P-256 issuing intermediate and an
// RSA-2048 SCEP RA certificate (RFC 5280 §4.2.1.3/§4.2.1.9 profiles; RFC 8894 §2.2 RA).
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { buildCertificate, randomSerialNumber } from './build-certificate';
import { createSigner } from './create-signer';
import { encodeName } from './distinguished-name';
import {
  authorityKeyIdentifier,
  basicConstraints,
  keyIdentifier,
  keyUsage,
  KeyUsageBit,
  subjectKeyIdentifier,
} from './extensions';
import { parseCertificate } from './parse-certificate';
import { toPem } from './pem';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface CreateAuthorityOptions {
  /** Display name; certificates are "<name> Root CA", "<name> Intermediate CA", "<name> SCEP RA". */
  name: string;
  /** O= of all three certificates; defaults to the name. */
  organization?: string;
  now?: Date;
  rootValidityDays?: number;
  intermediateValidityDays?: number;
  raValidityDays?: number;
}

export interface AuthorityCertificate {
  certificatePem: string;
  certificateDer: Buffer;
  /** PKCS#8 PEM, unencrypted: encrypt it with encryptPrivateKey before storing it. */
  privateKeyPem: string;
  serialNumberHex: string;
  notAfter: Date;
}

export interface Authority {
  root: AuthorityCertificate;
  intermediate: AuthorityCertificate;
  /** Signs CertRep and receives the envelopes of SCEP requests; must be RSA (Apple, Windows). */
  ra: AuthorityCertificate;
}

const DAY = 86_400_000;
// Devices whose clocks run a little behind must not see a CA that is "not yet valid".
const BACKDATE_MS = 5 * 60_000;

function pkcs8Pem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

function spki(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

export async function createAuthority(options: CreateAuthorityOptions): Promise<Authority> {
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const organization = options.organization ?? options.name;
  const rootNotAfter = new Date(now.getTime() + (options.rootValidityDays ?? 20 * 365) * DAY);
  const interNotAfter = new Date(
    Math.min(rootNotAfter.getTime(), now.getTime() + (options.intermediateValidityDays ?? 10 * 365) * DAY),
  );
  const raNotAfter = new Date(
    Math.min(interNotAfter.getTime(), now.getTime() + (options.raValidityDays ?? 5 * 365) * DAY),
  );

  const [rootKeys, interKeys, raKeys] = await Promise.all([
    generateKeyPairAsync('ec', { namedCurve: 'P-256' }),
    generateKeyPairAsync('ec', { namedCurve: 'P-256' }),
    generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 65537 }),
  ]);

  const rootName = encodeName([
    ['CN', `${options.name} Root CA`],
    ['O', organization],
  ]);
  const interName = encodeName([
    ['CN', `${options.name} Intermediate CA`],
    ['O', organization],
  ]);
  const raName = encodeName([
    ['CN', `${options.name} SCEP RA`],
    ['O', organization],
  ]);

  const rootSpki = spki(rootKeys.publicKey);
  const rootKeyId = keyIdentifier(rootSpki);
  const rootDer = buildCertificate({
    serialNumber: randomSerialNumber(),
    issuerDer: rootName,
    subjectDer: rootName,
    notBefore,
    notAfter: rootNotAfter,
    subjectPublicKeyInfoDer: rootSpki,
    extensions: [
      basicConstraints(true),
      keyUsage([KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign]),
      subjectKeyIdentifier(rootKeyId),
    ],
    signer: createSigner(rootKeys.privateKey),
  });

  const interSpki = spki(interKeys.publicKey);
  const interKeyId = keyIdentifier(interSpki);
  const interDer = buildCertificate({
    serialNumber: randomSerialNumber(),
    issuerDer: rootName,
    subjectDer: interName,
    notBefore,
    notAfter: interNotAfter,
    subjectPublicKeyInfoDer: interSpki,
    extensions: [
      // pathLen 0: the intermediate issues end-entity certificates only.
      basicConstraints(true, 0),
      keyUsage([KeyUsageBit.digitalSignature, KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign]),
      subjectKeyIdentifier(interKeyId),
      authorityKeyIdentifier(rootKeyId),
    ],
    signer: createSigner(rootKeys.privateKey),
  });

  // The RA is an end entity under the intermediate: clients find it in GetCACert by its
  // keyUsage (keyEncipherment to wrap the request key, digitalSignature to sign CertRep) and
  // RFC 8894 §2.2 expects it to chain to the CA it fronts.
  const raSpki = spki(raKeys.publicKey);
  const raDer = buildCertificate({
    serialNumber: randomSerialNumber(),
    issuerDer: interName,
    subjectDer: raName,
    notBefore,
    notAfter: raNotAfter,
    subjectPublicKeyInfoDer: raSpki,
    extensions: [
      basicConstraints(false),
      keyUsage([KeyUsageBit.digitalSignature, KeyUsageBit.keyEncipherment]),
      subjectKeyIdentifier(keyIdentifier(raSpki)),
      authorityKeyIdentifier(interKeyId),
    ],
    signer: createSigner(interKeys.privateKey),
  });

  const wrap = (der: Buffer, key: KeyObject): AuthorityCertificate => {
    const parsed = parseCertificate(der);
    return {
      certificatePem: toPem(der, 'CERTIFICATE'),
      certificateDer: der,
      privateKeyPem: pkcs8Pem(key),
      serialNumberHex: parsed.serialNumberHex,
      notAfter: parsed.notAfter,
    };
  };
  return {
    root: wrap(rootDer, rootKeys.privateKey),
    intermediate: wrap(interDer, interKeys.privateKey),
    ra: wrap(raDer, raKeys.privateKey),
  };
}
