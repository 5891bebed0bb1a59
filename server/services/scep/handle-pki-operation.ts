// RFC 8894 PKIOperation for a Fleet connection: PKCSReq with a dynamic challenge, RenewalReq signed
// by a certificate we issued. Every refusal is a CertRep FAILURE with a failInfo (never an HTTP
// 500) and an audit entry saying why.
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { certificates, devices, scepChallenges, type Device, type Integration } from '@/server/db/schema';
import { issueCertificate } from '@/lib/pki/issue-certificate';
import { CsrError } from '@/lib/pki/parse-csr';
import { buildCertRep } from '@/lib/scep/build-cert-rep';
import { parsePkiMessage, type ScepRequest } from '@/lib/scep/parse-pki-message';
import { ScepError } from '@/lib/scep/scep-error';
import { FailInfo, MessageType } from '@/lib/scep/scep-types';
import { hashToken } from '@/lib/tokens';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { mayReceiveCertificates } from '../devices/approval-policy';
import { deviceLabel } from '../devices/record-device-source';
import { loadAuthority, type LoadedAuthority } from '../pki/load-authority';
import { findDeviceForCsr } from './find-device-for-csr';

export type ScepOutcome = { reply: Buffer; status: 'issued' | 'reissued' | 'refused' } | { httpStatus: 400; message: string };

class Refusal extends Error {
  constructor(
    public failInfo: (typeof FailInfo)[keyof typeof FailInfo],
    message: string,
    public deviceId?: string,
  ) {
    super(message);
  }
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export interface ScepContext {
  crlUrl: string;
  ip?: string | null;
}

export async function handlePkiOperation(db: Db, integration: Integration, message: Uint8Array, ctx: ScepContext): Promise<ScepOutcome> {
  const auth = await loadAuthority(db);
  const signer = { certificate: auth.ra, privateKey: auth.raKey, chain: [auth.intermediate.der] };
  const actor: Actor = { type: 'mdm', id: integration.id, label: `scep:${integration.name}`, ip: ctx.ip };
  let request: ScepRequest;
  try {
    request = parseWithRa(message, auth);
  } catch (err) {
    if (!(err instanceof ScepError)) throw err;
    await recordAudit(db, actor, {
      action: 'scep.request.invalid',
      targetType: 'integration',
      targetId: integration.id,
      targetLabel: integration.name,
      details: { code: err.code, reason: err.message.slice(0, 300) },
    });
    if (!err.canReply) return { httpStatus: 400, message: 'The PKIOperation message could not be read' };
    return { reply: buildCertRep({ status: 'failure', failInfo: err.failInfo, signer, request: err.context as never }), status: 'refused' };
  }

  try {
    const result =
      request.messageType === MessageType.RenewalReq
        ? await renew(db, integration, auth, request, actor, ctx)
        : await enroll(db, integration, auth, request, actor, ctx);
    return {
      reply: buildCertRep({ status: 'success', signer, request, issuedCertificate: result.certPem, chain: [auth.intermediate.der] }),
      status: result.reissued ? 'reissued' : 'issued',
    };
  } catch (err) {
    const refusal =
      err instanceof Refusal
        ? err
        : err instanceof CsrError
          ? new Refusal(FailInfo.badRequest, `The certificate request was refused: ${err.message}`)
          : null;
    if (!refusal) throw err;
    await recordAudit(db, actor, {
      action: 'scep.enroll.refused',
      targetType: refusal.deviceId ? 'device' : 'integration',
      targetId: refusal.deviceId ?? integration.id,
      targetLabel: refusal.deviceId ? undefined : integration.name,
      details: { reason: refusal.message, transactionId: request.transactionId, messageType: request.messageType },
    });
    return { reply: buildCertRep({ status: 'failure', failInfo: refusal.failInfo, signer, request }), status: 'refused' };
  }
}

function parseWithRa(message: Uint8Array, auth: LoadedAuthority): ScepRequest {
  try {
    return parsePkiMessage(message, { certificate: auth.ra, privateKey: auth.raKey });
  } catch (err) {
    // A client that fetched the RA before a rotation still encrypts to the previous one.
    if (auth.previousRa && err instanceof ScepError && err.code !== 'malformed') {
      return parsePkiMessage(message, { certificate: auth.previousRa.cert, privateKey: auth.previousRa.key });
    }
    throw err;
  }
}

async function issueFor(
  db: Db,
  integration: Integration,
  auth: LoadedAuthority,
  request: ScepRequest,
  device: Device,
  actor: Actor,
  ctx: ScepContext,
  renewalOf?: string,
) {
  const now = Date.now();
  const issued = issueCertificate({
    csr: request.csr,
    issuerCertificate: auth.intermediate.der,
    issuerPrivateKey: auth.intermediateKey,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + integration.certValidityDays * 86_400_000),
    crlUrls: [ctx.crlUrl],
  });
  await db.insert(certificates).values({
    serialHex: issued.serialNumberHex,
    authorityId: auth.row.id,
    deviceId: device.id,
    integrationId: integration.id,
    subject: issued.subject,
    issuedVia: 'scep',
    template: integration.name,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    certPem: issued.certificatePem,
    publicKeySha256: sha256(request.csr.subjectPublicKeyInfoDer),
    transactionId: request.transactionId,
    renewalOf: renewalOf ?? null,
  });
  await recordAudit(db, actor, {
    action: renewalOf ? 'certificate.renew' : 'certificate.issue',
    targetType: 'device',
    targetId: device.id,
    targetLabel: deviceLabel(device),
    details: { serial: issued.serialNumberHex, subject: issued.subject, via: 'scep', notAfter: issued.notAfter.toISOString(), renewalOf },
  });
  return issued;
}

async function enroll(db: Db, integration: Integration, auth: LoadedAuthority, request: ScepRequest, actor: Actor, ctx: ScepContext) {
  const challenge = request.challengePassword ?? request.csr.challengePassword;
  if (!challenge) throw new Refusal(FailInfo.badRequest, 'The request carries no challenge password');
  const publicKeySha256 = sha256(request.csr.subjectPublicKeyInfoDer);
  const where = and(eq(scepChallenges.challengeHash, hashToken(challenge)), eq(scepChallenges.integrationId, integration.id));

  // 1. The challenge must exist; a consumed one only answers the retry of its own transaction.
  const [seen] = await db.select().from(scepChallenges).where(where);
  if (!seen) throw new Refusal(FailInfo.badRequest, 'Unknown challenge');
  if (seen.consumedAt) return replay(db, seen, request, publicKeySha256);
  if (seen.expiresAt.getTime() < Date.now()) throw new Refusal(FailInfo.badTime, 'The challenge has expired');

  // 2. The device, created as a pending MDM record if the inventory does not know it yet (that
  // record stays even when this request is refused, so an admin can approve it).
  const device = await findDeviceForCsr(db, integration, request.csr, actor);
  if (!device) throw new Refusal(FailInfo.badRequest, 'The request names no device (no host UUID or serial in the subject or SAN)');
  if (!mayReceiveCertificates(device)) {
    throw new Refusal(
      FailInfo.badRequest,
      device.approvalStatus !== 'approved' ? 'The device is not approved' : `The device is ${device.lifecycleStatus}`,
      device.id,
    );
  }

  // 3. Issue and consume the challenge atomically; the row lock makes concurrent uses single.
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(scepChallenges).where(where).for('update');
    if (row.consumedAt) return replay(tx, row, request, publicKeySha256);
    const issued = await issueFor(tx, integration, auth, request, device, actor, ctx);
    await tx
      .update(scepChallenges)
      .set({ consumedAt: new Date(), transactionId: request.transactionId, publicKeySha256, certificateSerial: issued.serialNumberHex })
      .where(eq(scepChallenges.id, row.id));
    return { certPem: issued.certificatePem, reissued: false };
  });
}

/** A used challenge: the same transaction and key get the same certificate; anything else fails. */
async function replay(db: Db, row: typeof scepChallenges.$inferSelect, request: ScepRequest, publicKeySha256: string) {
  if (row.transactionId === request.transactionId && row.publicKeySha256 === publicKeySha256 && row.certificateSerial) {
    const [cert] = await db.select().from(certificates).where(eq(certificates.serialHex, row.certificateSerial));
    if (cert && !cert.revokedAt) return { certPem: cert.certPem, reissued: true };
  }
  throw new Refusal(FailInfo.badRequest, 'The challenge was already used');
}

async function renew(db: Db, integration: Integration, auth: LoadedAuthority, request: ScepRequest, actor: Actor, ctx: ScepContext) {
  const signer = request.signerCertificate;
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(certificates).where(eq(certificates.serialHex, signer.serialNumberHex));
    if (!existing || existing.authorityId !== auth.row.id) throw new Refusal(FailInfo.badCertId, 'The renewal is not signed by a certificate Tessera issued');
    if (Buffer.compare(Buffer.from(existing.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'), signer.der) !== 0) {
      throw new Refusal(FailInfo.badCertId, 'The signing certificate does not match the one Tessera issued');
    }
    if (existing.revokedAt) throw new Refusal(FailInfo.badRequest, 'The certificate being renewed is revoked', existing.deviceId ?? undefined);
    if (existing.notAfter.getTime() < Date.now()) throw new Refusal(FailInfo.badTime, 'The certificate being renewed has expired', existing.deviceId ?? undefined);
    // Retry of a renewal already answered.
    const publicKeySha256 = sha256(request.csr.subjectPublicKeyInfoDer);
    const [again] = await tx
      .select()
      .from(certificates)
      .where(and(eq(certificates.renewalOf, existing.serialHex), eq(certificates.transactionId, request.transactionId)));
    if (again && again.publicKeySha256 === publicKeySha256) return { certPem: again.certPem, reissued: true };
    if (!existing.deviceId) throw new Refusal(FailInfo.badRequest, 'The certificate is no longer linked to a device');
    const [device] = await tx.select().from(devices).where(eq(devices.id, existing.deviceId));
    if (!device) throw new Refusal(FailInfo.badRequest, 'The device was deleted');
    if (!mayReceiveCertificates(device)) throw new Refusal(FailInfo.badRequest, 'The device may not receive certificates', device.id);
    const issued = await issueFor(tx, integration, auth, request, device, actor, ctx, existing.serialHex);
    return { certPem: issued.certificatePem, reissued: false };
  });
}
