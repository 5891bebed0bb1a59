// The "tpm" device-attest-01 statement: synthetic statements from software keys (every refusal
// path), and real ones from swtpm, whose TPM2_Certify runs over the key authorization digest.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, encode } from 'cborg';
import { createAuthority, type Authority } from '@/lib/pki/create-authority';
import { buildCertificate, randomSerialNumber } from '@/lib/pki/build-certificate';
import { createSigner } from '@/lib/pki/create-signer';
import { basicConstraints, keyUsage, KeyUsageBit } from '@/lib/pki/extensions';
import { parseCertificate } from '@/lib/pki/parse-certificate';
import { sequence } from '@/lib/pki/der-writer';
import { TPM_ALG, TPM_ST_ATTEST } from '@/lib/tpm/constants';
import { marshalTpmsAttest, type AttestTemplate } from '@/lib/tpm/attest';
import { issueAkCertificate } from '@/lib/tpm/ak-certificate';
import { ekUriOf } from '@/lib/tpm/ek';
import { objectName, parsePublicArea, publicKeyOf, type TpmtPublic } from '@/lib/tpm/public-area';
import { marshalTpmtSignature, signAsTpm } from '@/lib/tpm/signature';
import { DEVICE_KEY_ATTRIBUTES, signingArea, softwareEk, softwareSigningKey } from '@/lib/tpm/testdata/software-keys';
import { EK_HANDLES, haveSwtpm, SoftwareTpm } from '@/tests/helpers/swtpm';
import { AttestationError } from './errors';
import { verifyTpmAttestation } from './tpm';

const KEY_AUTHZ = 'token-abc.thumbprint-xyz';
const NOW = new Date();
const DAY = 86_400_000;

let ca: Authority;
let otherCa: Authority;
let ekUri: string;

beforeAll(async () => {
  [ca, otherCa] = await Promise.all([createAuthority({ name: 'Test Attestation' }), createAuthority({ name: 'Rogue' })]);
  ekUri = ekUriOf(softwareEk('rsa').publicKey);
});

const roots = () => [ca.root.certificateDer];

function akCert(akPublic: KeyObject, opts: { authority?: Authority; notBefore?: Date; notAfter?: Date; ekUri?: string } = {}) {
  const a = opts.authority ?? ca;
  return issueAkCertificate({
    akPublicKey: akPublic,
    ekUri: opts.ekUri ?? ekUri,
    tpm: { manufacturer: 'id:00001014', model: 'swtpm', version: 'id:20191023' },
    issuerCertificate: a.intermediate.certificateDer,
    issuerPrivateKey: a.intermediate.privateKeyPem,
    notBefore: opts.notBefore ?? new Date(NOW.getTime() - 60_000),
    notAfter: opts.notAfter ?? new Date(NOW.getTime() + 30 * DAY),
  }).der;
}

// One AK key of each kind serves every synthetic statement: RSA key generation is the slow part.
let rsaAk: ReturnType<typeof generateKeyPairSync> | undefined;
let ecAk: ReturnType<typeof generateKeyPairSync> | undefined;

interface Built {
  attStmt: Record<string, unknown>;
  device: { area: TpmtPublic; publicKey: KeyObject };
  ak: { privateKey: KeyObject; publicKey: KeyObject };
}

/** A statement as a TPM would make it, from software keys; `tweak` changes one part before signing. */
function build(
  opts: {
    akKind?: 'rsa' | 'p256';
    alg?: number;
    sigForm?: 'tpmt' | 'raw';
    pss?: boolean;
    tweak?: (t: AttestTemplate) => void;
    deviceAttributes?: Parameters<typeof signingArea>[1];
    x5c?: (akPublic: KeyObject) => Uint8Array[];
    keyAuthorization?: string;
  } = {},
): Built {
  const ak = opts.akKind === 'p256' ? (ecAk ??= generateKeyPairSync('ec', { namedCurve: 'P-256' })) : (rsaAk ??= generateKeyPairSync('rsa', { modulusLength: 2048 }));
  const deviceKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const area = signingArea(deviceKey.publicKey, opts.deviceAttributes ?? DEVICE_KEY_ATTRIBUTES);
  const akArea = signingArea(ak.publicKey);
  const template: AttestTemplate = {
    type: TPM_ST_ATTEST.CERTIFY,
    qualifiedSigner: objectName(akArea),
    extraData: createHash('sha256').update(opts.keyAuthorization ?? KEY_AUTHZ).digest(),
    clockInfo: { clock: 123456n, resetCount: 1, restartCount: 0, safe: true },
    firmwareVersion: 0x2019102300000000n,
    attested: { type: 'certify', name: objectName(area), qualifiedName: objectName(area) },
  };
  opts.tweak?.(template);
  const certInfo = marshalTpmsAttest(template);
  const alg = opts.alg ?? (opts.akKind === 'p256' ? -7 : opts.pss ? -37 : -257);
  let sig: Buffer;
  if (opts.sigForm === 'raw') {
    sig = opts.akKind === 'p256' ? sign('sha256', certInfo, { key: ak.privateKey, dsaEncoding: 'der' }) : sign('sha256', certInfo, ak.privateKey);
  } else {
    const sigAlg = opts.akKind === 'p256' ? TPM_ALG.ECDSA : opts.pss ? TPM_ALG.RSAPSS : TPM_ALG.RSASSA;
    sig = marshalTpmtSignature(signAsTpm(certInfo, ak.privateKey, { sigAlg, hashAlg: TPM_ALG.SHA256 }));
  }
  const x5c = opts.x5c ? opts.x5c(ak.publicKey) : [akCert(ak.publicKey), ca.intermediate.certificateDer];
  return {
    attStmt: { ver: '2.0', alg, x5c, sig, certInfo, pubArea: Buffer.from(area.bytes) },
    device: { area, publicKey: deviceKey.publicKey },
    ak,
  };
}

function refusal(attStmt: Record<string, unknown>, opts: { keyAuthorization?: string; now?: Date; roots?: Uint8Array[] } = {}): AttestationError {
  try {
    verifyTpmAttestation({ attStmt, keyAuthorization: opts.keyAuthorization ?? KEY_AUTHZ, trustedAkRoots: opts.roots ?? roots(), now: opts.now ?? NOW });
  } catch (err) {
    if (err instanceof AttestationError) return err;
    throw err;
  }
  throw new Error('the statement was accepted');
}

describe('verifyTpmAttestation: valid statements', () => {
  it('accepts RS256 with a TPMT_SIGNATURE and returns the EK URI, AK certificate and attested key', () => {
    const b = build();
    const result = verifyTpmAttestation({ attStmt: b.attStmt, keyAuthorization: KEY_AUTHZ, trustedAkRoots: roots(), now: NOW });
    expect(result.ekUri).toBe(ekUri);
    expect(Buffer.from(result.attestedPublicKeySpkiDer)).toEqual(b.device.publicKey.export({ type: 'spki', format: 'der' }));
    expect(parseCertificate(result.akCertificateDer).subject).toBe('');
    expect(result.evidence).toMatchObject({ format: 'tpm', ekUri, alg: 'RS256', signatureForm: 'TPMT_SIGNATURE', attestedKey: { type: 'ecc', nameAlg: 'SHA256' } });
    expect(JSON.parse(JSON.stringify(result.evidence))).toEqual(result.evidence); // plain JSON for jsonb
  });

  it('accepts ES256 (ECC AK) and PS256, and bare signatures as WebAuthn authenticators send them', () => {
    for (const b of [build({ akKind: 'p256' }), build({ pss: true }), build({ sigForm: 'raw' }), build({ akKind: 'p256', sigForm: 'raw' })]) {
      expect(verifyTpmAttestation({ attStmt: b.attStmt, keyAuthorization: KEY_AUTHZ, trustedAkRoots: roots(), now: NOW }).ekUri).toBe(ekUri);
    }
  });

  it('accepts the statement after a CBOR round trip (as the ACME layer decodes attObj)', () => {
    const b = build();
    const decoded = decode(encode({ fmt: 'tpm', attStmt: b.attStmt })) as { attStmt: Record<string, unknown> };
    expect(verifyTpmAttestation({ attStmt: decoded.attStmt, keyAuthorization: KEY_AUTHZ, trustedAkRoots: roots(), now: NOW }).ekUri).toBe(ekUri);
  });

  it('accepts pubArea as TPM2B_PUBLIC too', () => {
    const b = build();
    const pub = b.attStmt.pubArea as Buffer;
    b.attStmt.pubArea = Buffer.concat([Buffer.from([pub.length >> 8, pub.length & 0xff]), pub]);
    expect(verifyTpmAttestation({ attStmt: b.attStmt, keyAuthorization: KEY_AUTHZ, trustedAkRoots: roots(), now: NOW }).ekUri).toBe(ekUri);
  });
});

describe('verifyTpmAttestation: forged or wrong statements', () => {
  it('tampered certInfo: the AK signature no longer verifies', () => {
    const b = build();
    const certInfo = Buffer.from(b.attStmt.certInfo as Buffer);
    certInfo[certInfo.length - 76] ^= 0x01; // inside firmwareVersion: still parses
    b.attStmt.certInfo = certInfo;
    expect(refusal(b.attStmt)).toMatchObject({ code: 'badAttestationStatement', message: expect.stringMatching(/signature over certInfo/) });
  });

  it('wrong extraData: made for another challenge', () => {
    const err = refusal(build({ keyAuthorization: 'other-token.thumbprint' }).attStmt);
    expect(err).toMatchObject({ code: 'badAttestationStatement', message: expect.stringMatching(/key authorization/) });
  });

  it('AK certificate from another CA, or no trusted roots at all', () => {
    const b = build({ x5c: (pub) => [akCert(pub, { authority: otherCa }), otherCa.intermediate.certificateDer] });
    expect(refusal(b.attStmt)).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/not trusted/) });
    expect(refusal(build().attStmt, { roots: [] })).toMatchObject({ code: 'unauthorized' });
  });

  it('AK certificate chained by an untrusted intermediate that copies our intermediate name', async () => {
    // A rogue CA whose intermediate has the same subject as ours: names match, the signature does not.
    const b = build({ x5c: (pub) => [akCert(pub, { authority: otherCa }), ca.intermediate.certificateDer] });
    expect(refusal(b.attStmt).code).toBe('unauthorized');
  });

  it('expired or not yet valid AK certificate', () => {
    const expired = build({ x5c: (pub) => [akCert(pub, { notBefore: new Date(NOW.getTime() - 40 * DAY), notAfter: new Date(NOW.getTime() - DAY) }), ca.intermediate.certificateDer] });
    expect(refusal(expired.attStmt)).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/not valid at/) });
    expect(refusal(build().attStmt, { now: new Date(NOW.getTime() + 60 * DAY) }).code).toBe('unauthorized');
  });

  it('a certificate of our CA that is not an AK certificate (no EKU 2.23.133.8.3, no EK URI)', () => {
    const b = build({
      x5c: (pub) => {
        const inter = parseCertificate(ca.intermediate.certificateDer);
        const der = buildCertificate({
          serialNumber: randomSerialNumber(),
          issuerDer: inter.subjectDer,
          subjectDer: sequence(),
          notBefore: new Date(NOW.getTime() - 60_000),
          notAfter: new Date(NOW.getTime() + DAY),
          subjectPublicKeyInfoDer: pub.export({ type: 'spki', format: 'der' }),
          extensions: [basicConstraints(false), keyUsage([KeyUsageBit.digitalSignature])],
          signer: createSigner(ca.intermediate.privateKeyPem),
        });
        return [der, ca.intermediate.certificateDer];
      },
    });
    expect(refusal(b.attStmt)).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/2\.23\.133\.8\.3/) });
  });

  it('wrong pubArea: certInfo certifies another key', () => {
    const b = build();
    b.attStmt.pubArea = Buffer.from(softwareSigningKey('p256').area.bytes);
    expect(refusal(b.attStmt)).toMatchObject({ code: 'badAttestationStatement', message: expect.stringMatching(/different key/) });
  });

  it('certInfo not made by a TPM (magic) or not a TPM2_Certify (type)', () => {
    expect(refusal(build({ tweak: (t) => (t.magic = 0x12345678) }).attStmt)).toMatchObject({ message: expect.stringMatching(/magic/) });
    const creation = build({ tweak: (t) => ((t.type = TPM_ST_ATTEST.CREATION), (t.attested = { type: 'creation', objectName: (t.attested as { name: Uint8Array }).name, creationHash: randomBytes(32) })) });
    expect(refusal(creation.attStmt)).toMatchObject({ code: 'badAttestationStatement', message: expect.stringMatching(/TPM_ST_ATTEST_CERTIFY/) });
  });

  it('alg that does not fit the AK key or the TPMT_SIGNATURE, and SHA-1 (RS1)', () => {
    expect(refusal(build({ alg: -7 }).attStmt).message).toMatch(/does not fit the AK/);
    expect(refusal(build({ alg: -37 }).attStmt).message).toMatch(/does not agree with alg PS256/);
    expect(refusal(build({ alg: -65535 }).attStmt).message).toMatch(/not supported/);
  });

  it('a device key that could leave the TPM (no fixedTPM / fixedParent)', () => {
    const b = build({ deviceAttributes: ['sensitiveDataOrigin', 'userWithAuth', 'sign'] });
    expect(refusal(b.attStmt)).toMatchObject({ code: 'badAttestationStatement', message: expect.stringMatching(/fixedTPM, fixedParent/) });
  });

  it('missing or mistyped fields are malformed; unknown ver is refused', () => {
    const good = build().attStmt;
    for (const field of ['sig', 'certInfo', 'pubArea', 'alg', 'ver']) {
      const { [field]: _, ...rest } = good;
      expect(refusal(rest).code, field).toBe('malformed');
    }
    expect(refusal({ ...good, sig: 'text' }).code).toBe('malformed');
    expect(refusal({ ...good, certInfo: Buffer.from([1, 2, 3]) }).code).toBe('malformed');
    expect(refusal({ ...good, pubArea: Buffer.from([0, 1, 0]) }).code).toBe('malformed');
    expect(refusal({ ...good, ver: '1.2' }).code).toBe('badAttestationStatement');
    expect(refusal({ ...good, x5c: [] }).code).toBe('badAttestationStatement');
  });
});

describe.skipIf(!haveSwtpm)('verifyTpmAttestation with swtpm', () => {
  let tpm: SoftwareTpm;
  let ak: Awaited<ReturnType<SoftwareTpm['createAk']>>;
  let device: { publicArea: Buffer };
  let tpmEkUri: string;

  beforeAll(async () => {
    tpm = await SoftwareTpm.start({ ekCertificates: true });
    const ekHandle = `0x${EK_HANDLES.rsa.toString(16)}`;
    tpmEkUri = ekUriOf(publicKeyOf(parsePublicArea(await tpm.readPublic(EK_HANDLES.rsa, 'ek'))));
    ak = await tpm.createAk(ekHandle, 0x81000010);
    device = await tpm.createSigningKey(0x81000020, 'ecc256');
  }, 60_000);
  afterAll(() => tpm?.stop());

  async function statement(keyAuthorization: string) {
    const akPublic = publicKeyOf(parsePublicArea(ak.publicArea));
    const { certInfo, sig } = await tpm.certify(0x81000020, ak.handle, createHash('sha256').update(keyAuthorization).digest());
    const pubArea = parsePublicArea(device.publicArea).bytes;
    return { ver: '2.0', alg: -257, x5c: [akCert(akPublic, { ekUri: tpmEkUri }), ca.intermediate.certificateDer], sig, certInfo, pubArea };
  }

  it('accepts a real TPM2_Certify over the key authorization digest and returns the TPM EK URI', async () => {
    const attStmt = await statement(KEY_AUTHZ);
    const result = verifyTpmAttestation({ attStmt, keyAuthorization: KEY_AUTHZ, trustedAkRoots: roots() });
    expect(result.ekUri).toBe(tpmEkUri);
    expect(Buffer.from(result.attestedPublicKeySpkiDer)).toEqual(Buffer.from(publicKeyOf(parsePublicArea(device.publicArea)).export({ type: 'spki', format: 'der' })));
    expect(result.evidence).toMatchObject({ attestedKey: { attributes: expect.arrayContaining(['fixedTPM', 'fixedParent', 'sensitiveDataOrigin', 'sign']) } });
  });

  it('refuses it for another challenge, with another pubArea, or with a tampered certInfo', async () => {
    const attStmt = await statement(KEY_AUTHZ);
    expect(refusal(attStmt, { keyAuthorization: 'another.challenge' }).message).toMatch(/key authorization/);
    const other = await tpm.createSigningKey(0x81000021, 'ecc256');
    expect(refusal({ ...attStmt, pubArea: parsePublicArea(other.publicArea).bytes }).message).toMatch(/different key/);
    const tampered = Buffer.from(attStmt.certInfo);
    tampered[tampered.length - 70] ^= 0x80;
    expect(refusal({ ...attStmt, certInfo: tampered }).code).toBe('badAttestationStatement');
  });

  it('refuses a key created without fixedTPM/fixedParent (duplicable)', async () => {
    const dup = await tpm.createSigningKey(0x81000022, 'ecc256', 'sensitivedataorigin|userwithauth|sign');
    const { certInfo, sig } = await tpm.certify(0x81000022, ak.handle, createHash('sha256').update(KEY_AUTHZ).digest());
    const attStmt = { ...(await statement(KEY_AUTHZ)), certInfo, sig, pubArea: parsePublicArea(dup.publicArea).bytes };
    expect(refusal(attStmt).message).toMatch(/fixedTPM, fixedParent/);
  });
});



