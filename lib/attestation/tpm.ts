// The "tpm" attestation statement format of draft-acme-device-attest §4 (the WebAuthn TPM format,
// W3C WebAuthn §8.3, as step-ca reads it): {ver "2.0", alg, x5c [AK cert, ...], sig, certInfo,
// pubArea}. The AK certificate must come from Tessera's attestation CA and name the TPM's EK URI;
// certInfo is a TPM2_Certify of pubArea over SHA-256(keyAuthorization), signed by the AK.
import { constants, createHash, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { TPM_ALG, TPM_ST_ATTEST, TPMA_OBJECT, algName, objectAttributeNames } from '@/lib/tpm/constants';
import { TpmError } from '@/lib/tpm/errors';
import { parseTpmsAttest, type TpmsAttest } from '@/lib/tpm/attest';
import { akCertificateEkUris, extendedKeyUsages, OID_TCG_KP_AIK_CERTIFICATE } from '@/lib/tpm/ak-certificate';
import { ChainError, verifyCertificateChain } from '@/lib/tpm/certificate-chain';
import { isEkUri } from '@/lib/tpm/ek';
import { objectName, parsePublicArea, spkiOf, type TpmtPublic } from '@/lib/tpm/public-area';
import { tryParseTpmtSignature, verifyTpmSignature, type TpmtSignature } from '@/lib/tpm/signature';
import { safeEqual } from '@/lib/tpm/verify-certify';
import { readX5c } from './att-object';
import { AttestationError } from './errors';

export { AttestationError } from './errors';

export interface TpmAttestationResult {
  ekUri: string;
  akCertificateDer: Uint8Array;
  attestedPublicKeySpkiDer: Uint8Array;
  evidence: Record<string, unknown>;
}

export interface VerifyTpmAttestationInput {
  attStmt: Record<string, unknown>;
  keyAuthorization: string;
  /** DER certificates of the attestation CA roots (getTrustedAkRoots). */
  trustedAkRoots: Uint8Array[];
  now?: Date;
}

type Family = 'rsassa' | 'rsapss' | 'ecdsa';
interface CoseAlg {
  name: string;
  family: Family;
  hashAlg: number;
  node: 'sha256' | 'sha384' | 'sha512';
}

// COSE algorithm identifiers (RFC 9053 §2.1, RFC 8812 §2). RS1 (-65535) is refused: SHA-1.
const COSE_ALGS: Record<number, CoseAlg> = {
  [-257]: { name: 'RS256', family: 'rsassa', hashAlg: TPM_ALG.SHA256, node: 'sha256' },
  [-258]: { name: 'RS384', family: 'rsassa', hashAlg: TPM_ALG.SHA384, node: 'sha384' },
  [-259]: { name: 'RS512', family: 'rsassa', hashAlg: TPM_ALG.SHA512, node: 'sha512' },
  [-37]: { name: 'PS256', family: 'rsapss', hashAlg: TPM_ALG.SHA256, node: 'sha256' },
  [-38]: { name: 'PS384', family: 'rsapss', hashAlg: TPM_ALG.SHA384, node: 'sha384' },
  [-39]: { name: 'PS512', family: 'rsapss', hashAlg: TPM_ALG.SHA512, node: 'sha512' },
  [-7]: { name: 'ES256', family: 'ecdsa', hashAlg: TPM_ALG.SHA256, node: 'sha256' },
  [-35]: { name: 'ES384', family: 'ecdsa', hashAlg: TPM_ALG.SHA384, node: 'sha384' },
  [-36]: { name: 'ES512', family: 'ecdsa', hashAlg: TPM_ALG.SHA512, node: 'sha512' },
};
const SIG_ALG_OF: Record<Family, number> = { rsassa: TPM_ALG.RSASSA, rsapss: TPM_ALG.RSAPSS, ecdsa: TPM_ALG.ECDSA };

/** A key the device may use for its certificate: generated in this TPM and unable to leave it. */
const REQUIRED_KEY_ATTRIBUTES = ['fixedTPM', 'fixedParent', 'sensitiveDataOrigin', 'sign'] as const;

const MAX_BYTES = 16 * 1024;

function bytesField(attStmt: Record<string, unknown>, field: string): Uint8Array {
  const v = attStmt[field];
  if (v === undefined) throw new AttestationError('malformed', `attStmt has no "${field}"`);
  if (!(v instanceof Uint8Array)) throw new AttestationError('malformed', `attStmt.${field} must be a byte string`);
  if (v.length === 0) throw new AttestationError('malformed', `attStmt.${field} is empty`);
  if (v.length > MAX_BYTES) throw new AttestationError('malformed', `attStmt.${field} is larger than ${MAX_BYTES} bytes`);
  return v;
}

function coseAlg(attStmt: Record<string, unknown>): CoseAlg {
  const alg = attStmt.alg;
  if (alg === undefined) throw new AttestationError('malformed', 'attStmt has no "alg"');
  if (typeof alg !== 'number' || !Number.isInteger(alg)) throw new AttestationError('malformed', 'attStmt.alg must be a COSE algorithm identifier (an integer)');
  const known = COSE_ALGS[alg];
  if (!known) {
    throw new AttestationError(
      'badAttestationStatement',
      `attStmt.alg ${alg} is not supported; use ${Object.entries(COSE_ALGS)
        .map(([id, a]) => `${a.name} (${id})`)
        .join(', ')}`,
    );
  }
  return known;
}

function keyMatchesFamily(key: KeyObject, family: Family): boolean {
  return family === 'ecdsa' ? key.asymmetricKeyType === 'ec' : key.asymmetricKeyType === 'rsa';
}

/** Verifies sig over certInfo: a TPMT_SIGNATURE (what tpm2_certify and go-attestation produce) or the bare signature. */
function verifyStatementSignature(sigBytes: Uint8Array, certInfo: Uint8Array, akKey: KeyObject, alg: CoseAlg): { form: 'TPMT_SIGNATURE' | 'raw'; sig?: TpmtSignature } {
  const tpmt = tryParseTpmtSignature(sigBytes);
  if (tpmt) {
    if (tpmt.sigAlg !== SIG_ALG_OF[alg.family] || !('hashAlg' in tpmt) || tpmt.hashAlg !== alg.hashAlg) {
      throw new AttestationError(
        'badAttestationStatement',
        `attStmt.sig is a ${algName(tpmt.sigAlg)}${'hashAlg' in tpmt ? `/${algName(tpmt.hashAlg)}` : ''} signature, which does not agree with alg ${alg.name}`,
      );
    }
    let ok: boolean;
    try {
      ok = verifyTpmSignature(tpmt, certInfo, akKey);
    } catch (err) {
      throw new AttestationError('badAttestationStatement', `attStmt.sig cannot be checked: ${(err as Error).message}`);
    }
    if (!ok) throw new AttestationError('badAttestationStatement', `attStmt.sig is not a valid ${alg.name} signature over certInfo by the AK certificate's key`);
    return { form: 'TPMT_SIGNATURE', sig: tpmt };
  }
  let ok = false;
  try {
    if (alg.family === 'rsassa') ok = nodeVerify(alg.node, certInfo, { key: akKey, padding: constants.RSA_PKCS1_PADDING }, sigBytes);
    else if (alg.family === 'rsapss') ok = nodeVerify(alg.node, certInfo, { key: akKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sigBytes);
    else ok = nodeVerify(alg.node, certInfo, { key: akKey, dsaEncoding: 'der' }, sigBytes);
  } catch {
    ok = false;
  }
  if (!ok) throw new AttestationError('badAttestationStatement', `attStmt.sig is not a valid ${alg.name} signature over certInfo by the AK certificate's key`);
  return { form: 'raw' };
}

function checkAkCertificate(x5c: Uint8Array[], trustedAkRoots: Uint8Array[], now: Date): { akCert: ParsedCertificate; ekUri: string; chainSubjects: string[] } {
  let akCert: ParsedCertificate;
  let intermediates: ParsedCertificate[];
  try {
    akCert = parseCertificate(x5c[0]);
    intermediates = x5c.slice(1).map((c) => parseCertificate(c));
  } catch (err) {
    throw new AttestationError('malformed', `attStmt.x5c holds a certificate that cannot be parsed: ${(err as Error).message}`);
  }
  if (trustedAkRoots.length === 0) throw new AttestationError('unauthorized', 'No attestation CA is configured to trust AK certificates');
  let chainSubjects: string[];
  try {
    const chain = verifyCertificateChain({ leaf: akCert, intermediates, anchors: trustedAkRoots, validAt: now });
    chainSubjects = chain.path.map((c) => c.subject || '(empty subject)');
  } catch (err) {
    if (err instanceof ChainError) {
      throw new AttestationError('unauthorized', `The AK certificate is not trusted: ${err.message}. It must be issued by Tessera's attestation CA (POST /attestation/v1/ak-challenge)`);
    }
    throw new AttestationError('malformed', `The AK certificate chain cannot be checked: ${(err as Error).message}`);
  }
  if (akCert.isCa) throw new AttestationError('unauthorized', 'The AK certificate is a CA certificate');
  let ekus: string[];
  let ekUris: string[];
  try {
    ekus = extendedKeyUsages(akCert);
    ekUris = akCertificateEkUris(akCert);
  } catch (err) {
    throw new AttestationError('malformed', `The AK certificate's extensions cannot be read: ${(err as Error).message}`);
  }
  if (!ekus.includes(OID_TCG_KP_AIK_CERTIFICATE)) {
    throw new AttestationError('unauthorized', 'The AK certificate lacks the extended key usage tcg-kp-AIKCertificate (2.23.133.8.3)');
  }
  if (ekUris.length === 0) throw new AttestationError('unauthorized', 'The AK certificate names no EK URI (urn:ek:sha256:...) in its subjectAltName');
  if (ekUris.length > 1) throw new AttestationError('unauthorized', `The AK certificate names ${ekUris.length} different EK URIs`);
  if (!isEkUri(ekUris[0])) throw new AttestationError('unauthorized', `The AK certificate's EK URI "${ekUris[0].slice(0, 80)}" is not urn:ek:sha256:<base64 SHA-256>`);
  return { akCert, ekUri: ekUris[0], chainSubjects };
}

export function verifyTpmAttestation(input: VerifyTpmAttestationInput): TpmAttestationResult {
  const { attStmt } = input;
  const now = input.now ?? new Date();
  if (!attStmt || typeof attStmt !== 'object') throw new AttestationError('malformed', 'attStmt must be a map');
  if (attStmt.ver === undefined) throw new AttestationError('malformed', 'attStmt has no "ver"');
  if (attStmt.ver !== '2.0') throw new AttestationError('badAttestationStatement', `attStmt.ver "${String(attStmt.ver).slice(0, 20)}" is not supported; only TPM "2.0" is`);
  const alg = coseAlg(attStmt);
  const x5c = readX5c(attStmt);
  const sig = bytesField(attStmt, 'sig');
  const certInfoBytes = bytesField(attStmt, 'certInfo');
  const pubAreaBytes = bytesField(attStmt, 'pubArea');

  // 1. The AK certificate: from our attestation CA, valid now, an AK certificate, naming one EK URI.
  const { akCert, ekUri, chainSubjects } = checkAkCertificate(x5c, input.trustedAkRoots, now);
  let akKey: KeyObject;
  try {
    akKey = akCert.publicKey();
  } catch {
    throw new AttestationError('badAttestationStatement', "The AK certificate's public key type is not supported");
  }
  if (!keyMatchesFamily(akKey, alg.family)) {
    throw new AttestationError('badAttestationStatement', `attStmt.alg ${alg.name} does not fit the AK certificate's ${akKey.asymmetricKeyType?.toUpperCase()} key`);
  }

  // 2. The statement: a TPM-made TPMS_ATTEST of type CERTIFY over this challenge, naming pubArea.
  let certInfo: TpmsAttest;
  try {
    certInfo = parseTpmsAttest(certInfoBytes);
  } catch (err) {
    const code = err instanceof TpmError && err.code === 'invalid' ? 'badAttestationStatement' : 'malformed';
    throw new AttestationError(code, `attStmt.certInfo is not a TPMS_ATTEST: ${(err as Error).message}`);
  }
  if (certInfo.type !== TPM_ST_ATTEST.CERTIFY || certInfo.attested.type !== 'certify') {
    throw new AttestationError('badAttestationStatement', `attStmt.certInfo has type 0x${certInfo.type.toString(16)}, not TPM_ST_ATTEST_CERTIFY (0x8017): it must come from TPM2_Certify`);
  }
  const expectedExtraData = createHash('sha256').update(input.keyAuthorization, 'utf8').digest();
  if (!safeEqual(certInfo.extraData, expectedExtraData)) {
    throw new AttestationError('badAttestationStatement', 'attStmt.certInfo.extraData is not the SHA-256 of this challenge\'s key authorization (certify with -q <that digest>)');
  }
  let pubArea: TpmtPublic;
  try {
    pubArea = parsePublicArea(pubAreaBytes);
  } catch (err) {
    throw new AttestationError('malformed', `attStmt.pubArea is not a TPMT_PUBLIC: ${(err as Error).message}`);
  }
  if (pubArea.kind !== 'rsa' && pubArea.kind !== 'ecc') throw new AttestationError('badAttestationStatement', 'attStmt.pubArea is not an RSA or ECC key');
  let name: Buffer;
  try {
    name = objectName(pubArea);
  } catch (err) {
    throw new AttestationError('badAttestationStatement', `attStmt.pubArea has no Name: ${(err as Error).message}`);
  }
  if (!safeEqual(certInfo.attested.name, name)) {
    throw new AttestationError('badAttestationStatement', 'attStmt.certInfo certifies a different key than attStmt.pubArea (the attested Name does not match)');
  }

  // 3. The signature over certInfo, by the AK.
  const signature = verifyStatementSignature(sig, certInfoBytes, akKey, alg);

  // 4. The certified key is a TPM-bound signing key that Node can use.
  const missing = REQUIRED_KEY_ATTRIBUTES.filter((a) => (pubArea.objectAttributes & TPMA_OBJECT[a]) === 0);
  if (missing.length) {
    throw new AttestationError('badAttestationStatement', `The attested key lacks the attributes ${missing.join(', ')}: only a signing key generated in the TPM that cannot leave it is accepted`);
  }
  let spki: Buffer;
  try {
    spki = spkiOf(pubArea);
  } catch (err) {
    throw new AttestationError('badAttestationStatement', `attStmt.pubArea does not hold a usable public key: ${(err as Error).message}`);
  }

  return {
    ekUri,
    akCertificateDer: akCert.der,
    attestedPublicKeySpkiDer: spki,
    evidence: {
      format: 'tpm',
      ekUri,
      alg: alg.name,
      signatureForm: signature.form,
      akCertificate: {
        serialHex: akCert.serialNumberHex,
        sha256: certificateFingerprint(akCert.der).hex,
        issuer: akCert.issuer,
        notAfter: akCert.notAfter.toISOString(),
        chain: chainSubjects,
      },
      attestedKey: {
        type: pubArea.kind,
        name: name.toString('hex'),
        nameAlg: algName(pubArea.nameAlg),
        attributes: objectAttributeNames(pubArea.objectAttributes),
        spkiSha256: createHash('sha256').update(spki).digest('hex'),
      },
      tpm: {
        qualifiedSigner: Buffer.from(certInfo.qualifiedSigner).toString('hex'),
        firmwareVersion: `0x${certInfo.firmwareVersion.toString(16).padStart(16, '0')}`,
        clock: certInfo.clockInfo.clock.toString(),
        resetCount: certInfo.clockInfo.resetCount,
        restartCount: certInfo.clockInfo.restartCount,
        safe: certInfo.clockInfo.safe,
      },
      verifiedAt: now.toISOString(),
    },
  };
}
