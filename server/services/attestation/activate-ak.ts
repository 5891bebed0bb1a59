// Step 2 of the AK certificate exchange: the device returns the secret TPM2_ActivateCredential gave
// it, which proves that the TPM holding the EK also holds the AK named in step 1. The answer is an
// AK certificate from the attestation CA naming the EK URI (lib/tpm/ak-certificate.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { akActivationSessions, type AkActivationSession } from '@/server/db/schema';
import { issueAkCertificate } from '@/lib/tpm/ak-certificate';
import type { TpmDeviceInfo } from '@/lib/tpm/ek';
import { parsePublicArea, publicKeyOf } from '@/lib/tpm/public-area';
import { recordAudit } from '../audit/record-audit';
import type { DeviceRequestContext } from './request-ak-challenge';
import { ServiceError, conflict, forbidden, notFound } from '../errors';
import { loadAttestationCa } from './load-attestation-ca';

/**
 * AK certificates live 30 days. An AK certificate only vouches for TPM2_Certify statements during
 * device-attest-01, which the agent runs right after getting it (and again at each renewal, when
 * it can as cheaply repeat this exchange). There is no revocation list for AK certificates, so a
 * short life is what bounds the use of one whose EK root an admin later distrusts.
 */
export const AK_CERTIFICATE_VALIDITY_DAYS = 30;
/** Wrong answers a session tolerates before it is spent (a guess at 256 bits never succeeds anyway). */
export const MAX_ACTIVATION_ATTEMPTS = 5;
const BACKDATE_MS = 5 * 60_000;

export interface ActivateAkInput {
  sessionId: string;
  secret: Uint8Array;
}

export interface ActivatedAk {
  ekUri: string;
  /** The AK certificate, PEM. */
  certificatePem: string;
  /** AK certificate then the attestation CA intermediate, PEM (what x5c carries). */
  chainPem: string;
  /** The same chain as base64 DER, leaf first: attStmt.x5c for device-attest-01. */
  x5c: string[];
  /** The attestation CA root, PEM (the trust anchor; not part of x5c). */
  rootPem: string;
  serialHex: string;
  notAfter: Date;
}

type Outcome = { ok: true; session: AkActivationSession } | { ok: false; error: ServiceError };

export async function activateAk(db: Db, input: ActivateAkInput, context: DeviceRequestContext = {}): Promise<ActivatedAk> {
  const now = context.now ?? new Date();
  const ca = await loadAttestationCa(db);
  // Decide inside a locked transaction, but let a wrong answer's attempt count commit before refusing.
  const outcome = await db.transaction(async (tx): Promise<Outcome> => {
    const [session] = await tx.select().from(akActivationSessions).where(eq(akActivationSessions.id, input.sessionId)).for('update');
    if (!session) return { ok: false, error: notFound('Activation session') };
    if (session.usedAt) return { ok: false, error: conflict('This challenge was already answered; request a new one') };
    if (session.expiresAt.getTime() < now.getTime()) return { ok: false, error: forbidden('This challenge expired; request a new one') };
    if (session.attempts >= MAX_ACTIVATION_ATTEMPTS) return { ok: false, error: forbidden('Too many wrong answers to this challenge; request a new one') };
    const given = createHash('sha256').update(input.secret).digest();
    const expected = Buffer.from(session.secretSha256, 'hex');
    if (!timingSafeEqual(given, expected)) {
      await tx.update(akActivationSessions).set({ attempts: sql`${akActivationSessions.attempts} + 1` }).where(eq(akActivationSessions.id, session.id));
      return { ok: false, error: forbidden('The secret does not match: it must be what tpm2_activatecredential recovered with this EK and AK') };
    }
    const akArea = parsePublicArea(Buffer.from(session.akPublic, 'base64'));
    const cert = issueAkCertificate({
      akPublicKey: publicKeyOf(akArea),
      ekUri: session.ekUri,
      tpm: (session.evidence as { tpm?: TpmDeviceInfo }).tpm,
      issuerCertificate: ca.intermediate,
      issuerPrivateKey: ca.intermediateKey,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(now.getTime() + AK_CERTIFICATE_VALIDITY_DAYS * 86_400_000),
    });
    const [updated] = await tx
      .update(akActivationSessions)
      .set({ usedAt: now, akCertSerial: cert.serialNumberHex, akCertPem: cert.pem })
      .where(eq(akActivationSessions.id, session.id))
      .returning();
    await recordAudit(tx, { type: 'device', label: session.ekUri, ip: context.ip ?? null }, {
      action: 'attestation.ak_certificate.issue',
      targetType: 'tpm',
      targetId: session.ekUri,
      targetLabel: session.ekUri,
      details: { sessionId: session.id, serialHex: cert.serialNumberHex, notAfter: cert.notAfter.toISOString(), ekAcceptance: session.ekAcceptance, akName: session.akName },
    });
    return { ok: true, session: updated };
  });
  if (!outcome.ok) throw outcome.error;
  const leafPem = outcome.session.akCertPem!;
  return {
    ekUri: outcome.session.ekUri,
    certificatePem: leafPem,
    chainPem: leafPem + ca.row.intermediateCertPem,
    x5c: [pemBody(leafPem), ca.intermediate.der.toString('base64')],
    rootPem: ca.row.rootCertPem,
    serialHex: outcome.session.akCertSerial!,
    notAfter: new Date(Math.min(now.getTime() + AK_CERTIFICATE_VALIDITY_DAYS * 86_400_000, ca.intermediate.notAfter.getTime())),
  };
}

const pemBody = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');
