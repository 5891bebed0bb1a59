// RFC 8894 PKIOperation for a Fleet connection: PKCSReq with a dynamic challenge, RenewalReq signed
// by a certificate we issued. Every refusal is a CertRep FAILURE with a failInfo (never an HTTP
// 500) and an audit entry saying why.
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { certificates, devices, scepChallenges, type Device, type Integration } from '@/server/db/schema';
import { issueCertificate, type IssuedCertificate } from '@/lib/pki/issue-certificate';
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
import { isMeaningfulSerial } from '../devices/device-fields';
import { AGENTS_AUTHORITY, loadAuthority, peekAuthority, type LoadedAuthority } from '../pki/load-authority';
import { readEnrollmentFacts, recordEnrollment } from './enrollment-statements';
import { findDeviceForCsr, hintsFromCsr } from './find-device-for-csr';

export type ScepOutcome =
  | { reply: Buffer; status: 'issued' | 'reissued' | 'refused' }
  | { httpStatus: 400 | 404; message: string }
  /** The integration passed in is older than its row (the caller cached it): read it and call again. */
  | { staleIntegration: true };

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

/** The cached authority was older than the database's: start over with a fresh one. */
class StaleAuthority extends Error {}
class StaleIntegration extends Error {}
class IntegrationGone extends Error {}

export async function handlePkiOperation(db: Db, integration: Integration, message: Uint8Array, ctx: ScepContext): Promise<ScepOutcome> {
  const cached = peekAuthority();
  try {
    return await handleWith(db, cached ?? (await loadAuthority(db)), !!cached, integration, message, ctx);
  } catch (err) {
    if (err instanceof StaleIntegration) return { staleIntegration: true };
    if (err instanceof IntegrationGone) return { httpStatus: 404, message: 'No SCEP endpoint here' };
    if (!(err instanceof StaleAuthority)) throw err;
    try {
      return await handleWith(db, await loadAuthority(db), false, integration, message, ctx);
    } catch (again) {
      if (again instanceof StaleIntegration) return { staleIntegration: true };
      if (again instanceof IntegrationGone) return { httpStatus: 404, message: 'No SCEP endpoint here' };
      throw again;
    }
  }
}

async function handleWith(
  db: Db,
  auth: LoadedAuthority,
  fromCache: boolean,
  integration: Integration,
  message: Uint8Array,
  ctx: ScepContext,
): Promise<ScepOutcome> {
  const signer = { certificate: auth.ra, privateKey: auth.raKey, chain: [auth.intermediate.der] };
  const actor: Actor = { type: 'mdm', id: integration.id, label: `scep:${integration.name}`, ip: ctx.ip };
  let request: ScepRequest;
  try {
    request = parseWithRa(message, auth);
  } catch (err) {
    if (!(err instanceof ScepError)) throw err;
    // Encrypted to an RA this process has not loaded yet (rotated by another instance)?
    if (fromCache && err.code !== 'malformed') throw new StaleAuthority();
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
    const result: { certPem: string; reissued: boolean; reply?: Buffer } =
      request.messageType === MessageType.RenewalReq
        ? await renew(db, integration, auth, request, actor, ctx)
        : await enroll(db, integration, auth, request, actor, ctx);
    return {
      reply: result.reply ?? buildCertRep({ status: 'success', signer, request, issuedCertificate: result.certPem, chain: [auth.intermediate.der] }),
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

function sign(auth: LoadedAuthority, request: ScepRequest, validityDays: number, ctx: ScepContext) {
  const now = Date.now();
  return issueCertificate({
    csr: request.csr,
    issuerCertificate: auth.intermediate.der,
    issuerPrivateKey: auth.intermediateKey,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + validityDays * 86_400_000),
    crlUrls: [ctx.crlUrl],
  });
}

const issueDetails = (issued: IssuedCertificate, renewalOf?: string) => ({
  serial: issued.serialNumberHex,
  subject: issued.subject,
  via: 'scep',
  notAfter: issued.notAfter.toISOString(),
  renewalOf,
});

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
  const issued = sign(auth, request, integration.certValidityDays, ctx);
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
    details: issueDetails(issued, renewalOf),
  });
  return issued;
}

async function enroll(db: Db, integration: Integration, auth: LoadedAuthority, request: ScepRequest, actor: Actor, ctx: ScepContext) {
  const challenge = request.challengePassword ?? request.csr.challengePassword;
  if (!challenge) throw new Refusal(FailInfo.badRequest, 'The request carries no challenge password');
  const publicKeySha256 = sha256(request.csr.subjectPublicKeyInfoDer);
  const challengeHash = hashToken(challenge);
  const hints = hintsFromCsr(request.csr);
  const serialHint = isMeaningfulSerial(hints.serial) ? hints.serial.toUpperCase() : null;

  // 1. One read for the whole decision: challenge, device, the connection's current settings and
  // the authority's version (a stale cached authority starts the request over). While it is on
  // its way, sign the certificate and the reply: in the common case both are needed, and neither
  // leaves this function unless the challenge is consumed and the certificate stored below.
  const factsQuery = readEnrollmentFacts(db, {
    integrationId: integration.id,
    challengeHash,
    hardwareUuid: hints.hardwareUuid?.toUpperCase() ?? null,
    serial: serialHint,
    authoritySlug: AGENTS_AUTHORITY,
  });
  let issued: IssuedCertificate;
  let reply: Buffer;
  try {
    issued = sign(auth, request, integration.certValidityDays, ctx);
    reply = buildCertRep({
      status: 'success',
      signer: { certificate: auth.ra, privateKey: auth.raKey, chain: [auth.intermediate.der] },
      request,
      issuedCertificate: issued.certificatePem,
      chain: [auth.intermediate.der],
    });
  } catch (err) {
    await factsQuery.catch(() => {});
    throw err;
  }
  const facts = await factsQuery;
  if (!facts) throw new IntegrationGone();
  if (facts.integrationUpdatedAt.getTime() !== integration.updatedAt.getTime()) throw new StaleIntegration();
  if (!facts.authority || facts.authority.id !== auth.row.id || facts.authority.updatedAt.getTime() !== auth.row.updatedAt.getTime()) {
    throw new StaleAuthority();
  }

  // 2. The challenge must exist; a consumed one only answers the retry of its own transaction.
  if (!facts.challenge) throw new Refusal(FailInfo.badRequest, 'Unknown challenge');
  if (facts.challenge.consumedAt) return replay(db, facts.challenge.id, request, publicKeySha256);
  if (facts.challenge.expiresAt.getTime() < Date.now()) throw new Refusal(FailInfo.badTime, 'The challenge has expired');

  // 3. The device, created as a pending MDM record if the inventory does not know it yet (that
  // record stays even when this request is refused, so an admin can approve it).
  const device = facts.device ?? (await findDeviceForCsr(db, integration, request.csr, actor));
  if (!device) throw new Refusal(FailInfo.badRequest, 'The request names no device (no host UUID or serial in the subject or SAN)');
  if (!mayReceiveCertificates(device)) {
    throw new Refusal(
      FailInfo.badRequest,
      device.approvalStatus !== 'approved' ? 'The device is not approved' : `The device is ${device.lifecycleStatus}`,
      device.id,
    );
  }

  // 4. Consume the challenge and store the certificate and its audit row in one statement. A
  // certificate whose statement loses a race is never stored nor sent.
  const stored = await recordEnrollment(db, {
    challengeId: facts.challenge.id,
    transactionId: request.transactionId,
    publicKeySha256,
    certificate: {
      serialHex: issued.serialNumberHex,
      authorityId: auth.row.id,
      deviceId: device.id,
      integrationId: integration.id,
      subject: issued.subject,
      template: integration.name,
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
      certPem: issued.certificatePem,
    },
    audit: {
      actorType: actor.type,
      actorId: actor.id ?? null,
      actorLabel: actor.label,
      targetLabel: deviceLabel(device),
      details: issueDetails(issued),
      ip: actor.ip ?? null,
    },
  });
  if (!stored) {
    const [row] = await db.select().from(scepChallenges).where(eq(scepChallenges.id, facts.challenge.id));
    if (row?.consumedAt) return replay(db, row.id, request, publicKeySha256);
    throw new Refusal(FailInfo.badTime, 'The challenge has expired');
  }
  return { certPem: issued.certificatePem, reissued: false, reply };
}

/** A used challenge: the same transaction and key get the same certificate; anything else fails. */
async function replay(db: Db, challengeId: string, request: ScepRequest, publicKeySha256: string) {
  const [row] = await db.select().from(scepChallenges).where(eq(scepChallenges.id, challengeId));
  if (row && row.transactionId === request.transactionId && row.publicKeySha256 === publicKeySha256 && row.certificateSerial) {
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
