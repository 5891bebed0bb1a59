// Step 1 of the AK certificate exchange (TCG "Credential Protection", TPM 2.0 Part 1 §24): the
// device sends its EK (certificate and/or public area) and its AK's public area; Tessera decides
// whether it trusts the EK, checks the AK is a TPM-resident restricted signing key, and answers with
// TPM2_MakeCredential output that only the TPM holding that EK, with that AK loaded, can open.
import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { and, eq, lt, ne } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { akActivationSessions, devices, type EkAcceptance } from '@/server/db/schema';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { TPM_ALG, TPMA_OBJECT, algName, objectAttributeNames, type ObjectAttributeName } from '@/lib/tpm/constants';
import { TpmError } from '@/lib/tpm/errors';
import { hashInfo } from '@/lib/tpm/hash';
import { ChainError, verifyCertificateChain } from '@/lib/tpm/certificate-chain';
import { certificateFromNv, defaultEkPublicArea, ekCertificatePublicKey, ekUriOf, tpmDeviceInfo, type TpmDeviceInfo } from '@/lib/tpm/ek';
import { encodeTpm2ToolsCredential, makeCredential } from '@/lib/tpm/make-credential';
import { objectName, parsePublicArea, publicKeyOf, type TpmtPublic } from '@/lib/tpm/public-area';
import { recordAudit } from '../audit/record-audit';
import { badRequest, forbidden } from '../errors';
import { getAttestationSettings } from './attestation-settings';
import { addedEkRootCertificates } from './ek-roots';
import { shippedEkRoots } from './shipped-ek-roots';

export const AK_CHALLENGE_TTL_MS = 5 * 60_000;

export interface RequestAkChallengeInput {
  /** DER EK certificate, as read from NV (trailing padding is trimmed). */
  ekCertificate?: Uint8Array;
  /** DER certificates between the EK certificate and a trusted root, if the device has them. */
  ekCertificateChain?: Uint8Array[];
  /** The EK: TPM2B_PUBLIC, TPMT_PUBLIC or DER SubjectPublicKeyInfo. */
  ekPublic?: Uint8Array;
  /** The AK: TPM2B_PUBLIC or TPMT_PUBLIC (tpm2_createak -u). */
  akPublic: Uint8Array;
}

export interface AkChallenge {
  sessionId: string;
  ekUri: string;
  /** Hex of the AK Name the credential is bound to. */
  akName: string;
  /** Base64 TPM2B_ID_OBJECT (TPM2_ActivateCredential credentialBlob). */
  credentialBlob: string;
  /** Base64 TPM2B_ENCRYPTED_SECRET (TPM2_ActivateCredential secret). */
  encryptedSecret: string;
  /** Base64 of both in the file format of tpm2_makecredential (for tpm2_activatecredential -i). */
  tpm2ToolsCredential: string;
  expiresAt: Date;
}

/** What an AK must be: a restricted signing key generated in this TPM that cannot leave it. */
const AK_REQUIRED: ObjectAttributeName[] = ['restricted', 'sign', 'fixedTPM', 'fixedParent', 'sensitiveDataOrigin'];
const STRONG_NAME_ALGS = new Set<number>([TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512]);

function readPublicArea(bytes: Uint8Array, field: string): TpmtPublic {
  try {
    return parsePublicArea(bytes);
  } catch (err) {
    throw badRequest(`${field} is not a TPM2B_PUBLIC or TPMT_PUBLIC: ${(err as Error).message}`, field);
  }
}

function keyOf(area: TpmtPublic, field: string): KeyObject {
  try {
    return publicKeyOf(area);
  } catch (err) {
    throw badRequest(`${field} holds no usable public key: ${(err as Error).message}`, field);
  }
}

function checkAk(akPublic: Uint8Array): { area: TpmtPublic; name: Buffer } {
  const area = readPublicArea(akPublic, 'akPublic');
  if (area.kind !== 'rsa' && area.kind !== 'ecc') throw badRequest('akPublic must be an RSA or ECC key', 'akPublic');
  const missing = AK_REQUIRED.filter((a) => (area.objectAttributes & TPMA_OBJECT[a]) === 0);
  if (missing.length) {
    throw badRequest(`akPublic is not an attestation key: it lacks ${missing.join(', ')} (create it with tpm2_createak)`, 'akPublic');
  }
  if (area.objectAttributes & TPMA_OBJECT.decrypt) throw badRequest('akPublic is a decryption key; an AK only signs', 'akPublic');
  if (!STRONG_NAME_ALGS.has(area.nameAlg)) throw badRequest(`akPublic's nameAlg ${algName(area.nameAlg)} is too weak; use SHA-256 or stronger`, 'akPublic');
  const key = keyOf(area, 'akPublic');
  if (area.kind === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw badRequest('akPublic is an RSA key below 2048 bits', 'akPublic');
  return { area, name: objectName(area) };
}

interface EkDecision {
  area: TpmtPublic;
  key: KeyObject;
  ekUri: string;
  acceptance: EkAcceptance;
  evidence: Record<string, unknown>;
  tpm?: TpmDeviceInfo;
}

function ekPublicArea(ekPublic: Uint8Array): { area: TpmtPublic; source: 'tpm' | 'spki' } {
  if (ekPublic[0] === 0x30) {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(ekPublic), format: 'der', type: 'spki' });
    } catch (err) {
      throw badRequest(`ekPublic is not a DER SubjectPublicKeyInfo: ${(err as Error).message}`, 'ekPublic');
    }
    try {
      return { area: defaultEkPublicArea(key), source: 'spki' };
    } catch (err) {
      throw badRequest(`ekPublic: ${(err as Error).message}`, 'ekPublic');
    }
  }
  return { area: readPublicArea(ekPublic, 'ekPublic'), source: 'tpm' };
}

function checkEkArea(area: TpmtPublic) {
  if (area.kind !== 'rsa' && area.kind !== 'ecc') throw badRequest('The EK must be an RSA or ECC key', 'ekPublic');
  const a = area.objectAttributes;
  if (!(a & TPMA_OBJECT.restricted) || !(a & TPMA_OBJECT.decrypt) || a & TPMA_OBJECT.sign) {
    throw badRequest('ekPublic is not an endorsement key: an EK is a restricted decryption key', 'ekPublic');
  }
  if (area.kind === 'rsa' && area.keyBits < 2048) throw badRequest('The EK is an RSA key below 2048 bits', 'ekPublic');
  if (!STRONG_NAME_ALGS.has(area.nameAlg)) throw badRequest(`The EK's nameAlg ${algName(area.nameAlg)} is not SHA-256, SHA-384 or SHA-512`, 'ekPublic');
}

async function decideEk(db: Db, input: RequestAkChallengeInput): Promise<EkDecision> {
  let given: { area: TpmtPublic; source: 'tpm' | 'spki' } | undefined;
  if (input.ekPublic) {
    given = ekPublicArea(input.ekPublic);
    checkEkArea(given.area);
  }

  if (input.ekCertificate) {
    let cert: ParsedCertificate;
    let intermediates: ParsedCertificate[];
    try {
      cert = parseCertificate(certificateFromNv(input.ekCertificate));
    } catch (err) {
      throw badRequest(`ekCertificate is not a DER certificate: ${(err as Error).message}`, 'ekCertificate');
    }
    try {
      intermediates = (input.ekCertificateChain ?? []).map((c) => parseCertificate(certificateFromNv(c)));
    } catch (err) {
      throw badRequest(`ekCertificateChain holds something that is not a DER certificate: ${(err as Error).message}`, 'ekCertificateChain');
    }
    let certKey: KeyObject;
    try {
      certKey = ekCertificatePublicKey(cert);
    } catch (err) {
      throw badRequest(`ekCertificate: ${(err as Error).message}`, 'ekCertificate');
    }
    const shipped = shippedEkRoots();
    const added = await addedEkRootCertificates(db);
    let chain;
    try {
      // EK certificates are issued once, at manufacture, and routinely outlive their issuing CAs:
      // signatures and CA constraints are checked, validity periods are not.
      chain = verifyCertificateChain({ leaf: cert, intermediates: [...intermediates, ...shipped.intermediates], anchors: [...added, ...shipped.anchors] });
    } catch (err) {
      const why = err instanceof ChainError ? err.message : (err as Error).message;
      throw forbidden(`The EK certificate is not issued by a trusted TPM manufacturer (${why}). An admin can add its CA under Certificates → Authorities`);
    }
    const ekUri = ekUriOf(certKey);
    if (given && ekUriOf(keyOf(given.area, 'ekPublic')) !== ekUri) {
      throw badRequest('ekPublic is not the key of ekCertificate', 'ekPublic');
    }
    let area: TpmtPublic;
    try {
      area = given?.area ?? defaultEkPublicArea(certKey);
    } catch (err) {
      throw badRequest(`ekCertificate: ${(err as Error).message}`, 'ekCertificate');
    }
    checkEkArea(area);
    const tpm = tpmDeviceInfo(cert);
    return {
      area,
      key: certKey,
      ekUri,
      acceptance: 'certificate',
      tpm,
      evidence: {
        ekCertificate: {
          subject: cert.subject,
          issuer: cert.issuer,
          serialHex: cert.serialNumberHex,
          sha256: certificateFingerprint(cert.der).hex,
          chain: chain.path.map((c) => c.subject || '(empty subject)'),
          anchorSha256: certificateFingerprint(chain.anchor.der).hex,
        },
        tpm,
        ekPublicFrom: given ? given.source : 'certificate',
      },
    };
  }

  if (!given) throw badRequest('Send ekCertificate (the EK certificate from NV) or ekPublic (the EK public area)', 'ekPublic');
  const key = keyOf(given.area, 'ekPublic');
  const ekUri = ekUriOf(key);
  const { tpmEkWithoutCertificate: policy } = await getAttestationSettings(db);
  if (policy === 'deny') {
    throw forbidden('This team requires an EK certificate: send ekCertificate (tpm2_nvread 0x1c00002 for an RSA EK)');
  }
  let acceptance: EkAcceptance = 'allowed';
  if (policy === 'registered-only') {
    const [device] = await db
      .select({ id: devices.id })
      .from(devices)
      .where(and(eq(devices.permanentIdentifier, ekUri), ne(devices.lifecycleStatus, 'deleted')))
      .limit(1);
    if (!device) {
      throw forbidden(
        `This EK has no certificate and no device with permanent identifier ${ekUri} is registered. Register the device first (REST API or console), send the EK certificate, or ask an admin to allow EKs without certificates`,
      );
    }
    acceptance = 'registered';
  }
  return { area: given.area, key, ekUri, acceptance, evidence: { ekPublicFrom: given.source } };
}

/** Who asked: the device is the actor, named by its EK URI once known. */
export interface DeviceRequestContext {
  ip?: string | null;
  now?: Date;
}

export async function requestAkChallenge(db: Db, input: RequestAkChallengeInput, context: DeviceRequestContext = {}): Promise<AkChallenge> {
  const now = context.now ?? new Date();
  const ak = checkAk(input.akPublic);
  const ek = await decideEk(db, input);
  const secretSize = Math.min(32, hashInfo(ek.area.nameAlg).size);
  const secret = randomBytes(secretSize);
  let made;
  try {
    made = makeCredential({ ekPublic: ek.area, akName: ak.name, credential: secret });
  } catch (err) {
    if (err instanceof TpmError) throw badRequest(`A credential cannot be made for this EK: ${err.message}`, 'ekPublic');
    throw err;
  }
  const expiresAt = new Date(now.getTime() + AK_CHALLENGE_TTL_MS);
  return db.transaction(async (tx) => {
    // Finished and abandoned sessions are kept a day for the record, then swept here.
    await tx.delete(akActivationSessions).where(lt(akActivationSessions.expiresAt, new Date(now.getTime() - 86_400_000)));
    const [session] = await tx
      .insert(akActivationSessions)
      .values({
        ekUri: ek.ekUri,
        ekAcceptance: ek.acceptance,
        akName: ak.name.toString('hex'),
        akPublic: Buffer.from(ak.area.bytes).toString('base64'),
        secretSha256: createHash('sha256').update(secret).digest('hex'),
        evidence: { ...ek.evidence, ak: { type: ak.area.kind, nameAlg: algName(ak.area.nameAlg), attributes: objectAttributeNames(ak.area.objectAttributes) } },
        expiresAt,
      })
      .returning({ id: akActivationSessions.id });
    await recordAudit(tx, { type: 'device', label: ek.ekUri, ip: context.ip ?? null }, {
      action: 'attestation.ak_challenge',
      targetType: 'tpm',
      targetId: ek.ekUri,
      targetLabel: ek.tpm?.model ? `${ek.tpm.model} ${ek.ekUri}` : ek.ekUri,
      details: { sessionId: session.id, ekAcceptance: ek.acceptance, akName: ak.name.toString('hex') },
    });
    return {
      sessionId: session.id,
      ekUri: ek.ekUri,
      akName: ak.name.toString('hex'),
      credentialBlob: made.idObject.toString('base64'),
      encryptedSecret: made.encryptedSecret.toString('base64'),
      tpm2ToolsCredential: encodeTpm2ToolsCredential(made).toString('base64'),
      expiresAt,
    };
  });
}
