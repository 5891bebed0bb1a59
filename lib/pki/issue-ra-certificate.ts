// A new SCEP RA certificate under an existing intermediate (RA rotation): RSA-2048, an end entity
// with digitalSignature + keyEncipherment, as createAuthority makes the first one.
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { buildCertificate, randomSerialNumber } from './build-certificate';
import { createSigner } from './create-signer';
import { encodeName } from './distinguished-name';
import { authorityKeyIdentifier, basicConstraints, keyIdentifier, keyUsage, KeyUsageBit, subjectKeyIdentifier } from './extensions';
import { parseCertificate } from './parse-certificate';
import { toPem } from './pem';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface IssuedRa {
  certificatePem: string;
  certificateDer: Buffer;
  privateKeyPem: string;
  serialNumberHex: string;
}

export async function issueRaCertificate(options: {
  issuerCertificate: Uint8Array;
  issuerPrivateKey: KeyObject;
  commonName: string;
  organization: string;
  validityDays?: number;
  now?: Date;
}): Promise<IssuedRa> {
  const issuer = parseCertificate(options.issuerCertificate);
  const now = options.now ?? new Date();
  const keys = await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const spki = keys.publicKey.export({ format: 'der', type: 'spki' });
  const notAfter = new Date(Math.min(issuer.notAfter.getTime(), now.getTime() + (options.validityDays ?? 5 * 365) * 86_400_000));
  const der = buildCertificate({
    serialNumber: randomSerialNumber(),
    issuerDer: issuer.subjectDer,
    subjectDer: encodeName([
      ['CN', options.commonName],
      ['O', options.organization],
    ]),
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter,
    subjectPublicKeyInfoDer: spki,
    extensions: [
      basicConstraints(false),
      keyUsage([KeyUsageBit.digitalSignature, KeyUsageBit.keyEncipherment]),
      subjectKeyIdentifier(keyIdentifier(spki)),
      authorityKeyIdentifier(issuer.subjectKeyIdentifier ?? keyIdentifier(issuer.subjectPublicKeyInfoDer)),
    ],
    signer: createSigner(options.issuerPrivateKey),
  });
  return {
    certificatePem: toPem(der, 'CERTIFICATE'),
    certificateDer: der,
    privateKeyPem: keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    serialNumberHex: parseCertificate(der).serialNumberHex,
  };
}
