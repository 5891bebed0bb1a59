// A stand-in for Apple's Managed Device Attestation CA, made at test time: a P-384 root and sub
// CA named like Apple's, and leaves carrying Apple's private extensions as Apple encodes them
// (raw extnValue bytes, not DER). Configured through TESSERA_APPLE_ATTESTATION_ROOTS_PEM.
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { encode } from 'cborg';
import { buildCertificate, randomSerialNumber } from '@/lib/pki/build-certificate';
import { createSigner } from '@/lib/pki/create-signer';
import { encodeName } from '@/lib/pki/distinguished-name';
import { basicConstraints, keyUsage, KeyUsageBit, type EncodedExtension } from '@/lib/pki/extensions';
import { toPem } from '@/lib/pki/pem';
import { APPLE_OID } from '@/lib/attestation/apple';

const HOUR = 3600_000;

interface Ca {
  key: KeyObject;
  der: Buffer;
  subject: Array<[string, string]>;
}

function makeCa(subject: Array<[string, string]>, issuer?: Ca): Ca {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const now = Date.now();
  const der = buildCertificate({
    serialNumber: randomSerialNumber(),
    issuerDer: encodeName(issuer?.subject ?? subject),
    subjectDer: encodeName(subject),
    notBefore: new Date(now - 24 * HOUR),
    notAfter: new Date(now + 365 * 24 * HOUR),
    subjectPublicKeyInfoDer: publicKey.export({ format: 'der', type: 'spki' }),
    extensions: [basicConstraints(true), keyUsage([KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign])],
    signer: createSigner(issuer?.key ?? privateKey),
  });
  return { key: privateKey, der, subject };
}

export interface LeafOptions {
  serial?: string;
  udid?: string;
  /** The ACME challenge token; its SHA-256 becomes the freshness code. */
  token?: string;
  /** Raw freshness code bytes, overriding token. */
  nonce?: Buffer | null;
  osVersion?: string;
  /** The device key pair; generated (P-384, like the Secure Enclave's) when absent. */
  keyPair?: { privateKey: KeyObject; publicKey: KeyObject };
  notBefore?: Date;
  notAfter?: Date;
}

export interface AppleTestCa {
  rootPem: string;
  rootDer: Buffer;
  subDer: Buffer;
  leaf(opts: LeafOptions): { der: Buffer; privateKey: KeyObject; publicKey: KeyObject };
  /** base64url CBOR {fmt: 'apple', attStmt: {x5c: [leaf, sub CA]}} as Apple's ACME client sends. */
  attObj(opts: LeafOptions): { attObj: string; privateKey: KeyObject; publicKey: KeyObject; leafDer: Buffer };
}

export function createAppleTestCa(label = 'Test'): AppleTestCa {
  const root = makeCa([['CN', `Apple Enterprise Attestation Root CA (${label})`], ['O', 'Apple Inc.'], ['C', 'US']]);
  const sub = makeCa([['CN', `Apple Enterprise Attestation Sub CA 1 (${label})`], ['O', 'Apple Inc.'], ['C', 'US']], root);
  const leaf = (opts: LeafOptions) => {
    const pair = opts.keyPair ?? generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const now = Date.now();
    const text = (oid: string, value?: string): EncodedExtension[] => (value === undefined ? [] : [{ oid, critical: false, value: Buffer.from(value, 'utf8') }]);
    const nonce = opts.nonce === undefined ? (opts.token !== undefined ? createHash('sha256').update(opts.token).digest() : undefined) : opts.nonce ?? undefined;
    const der = buildCertificate({
      serialNumber: randomSerialNumber(),
      issuerDer: encodeName(sub.subject),
      subjectDer: encodeName([['CN', createHash('sha256').update(String(now)).digest('hex')], ['OU', 'AAA Certification'], ['O', 'Apple Inc.'], ['ST', 'California']]),
      notBefore: opts.notBefore ?? new Date(now - HOUR),
      notAfter: opts.notAfter ?? new Date(now + 90 * 24 * HOUR),
      subjectPublicKeyInfoDer: pair.publicKey.export({ format: 'der', type: 'spki' }),
      extensions: [
        basicConstraints(false),
        keyUsage([KeyUsageBit.digitalSignature, KeyUsageBit.keyEncipherment]),
        ...text(APPLE_OID.osVersion, opts.osVersion ?? '15.5'),
        ...text(APPLE_OID.sepOsVersion, opts.osVersion ?? '15.5'),
        ...text(APPLE_OID.serialNumber, opts.serial),
        ...text(APPLE_OID.udid, opts.udid),
        ...(nonce ? [{ oid: APPLE_OID.nonce, critical: false, value: nonce }] : []),
      ],
      signer: createSigner(sub.key),
    });
    return { der, privateKey: pair.privateKey, publicKey: pair.publicKey };
  };
  return {
    rootPem: toPem(root.der, 'CERTIFICATE'),
    rootDer: root.der,
    subDer: sub.der,
    leaf,
    attObj(opts) {
      const l = leaf(opts);
      const cbor = encode({ fmt: 'apple', attStmt: { x5c: [new Uint8Array(l.der), new Uint8Array(sub.der)] } });
      return { attObj: Buffer.from(cbor).toString('base64url'), privateKey: l.privateKey, publicKey: l.publicKey, leafDer: l.der };
    },
  };
}
