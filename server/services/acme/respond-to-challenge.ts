// RFC 8555 §7.5.1 with draft-acme-device-attest §4-5: the client POSTs {"attObj": ...} to the
// device-attest-01 challenge and the server validates it at once. A statement that proves
// nothing makes the challenge, its authorization and its order invalid, with the problem that
// says why on the challenge (as smallstep does); a payload that is not even a statement is a
// malformed request and changes nothing, so the client may send a correct one.
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { acmeAuthorizations, acmeChallenges, acmeOrders, type AcmeAccount, type AcmeChallenge, type StoredProblem } from '@/server/db/schema';
import { keyAuthorization } from '@/lib/acme/key-authorization';
import type { PublicJwk } from '@/lib/acme/jwk';
import { AcmeProblem } from '@/lib/acme/problem';
import { decodeAttestationObject, type AttestationObject } from '@/lib/attestation/att-object';
import { AttestationError } from '@/lib/attestation/errors';
import { recordAudit } from '../audit/record-audit';
import { acmeActor, type AcmeContext } from './acme-context';
import { challengeObject } from './acme-objects';
import { loadOwnedAuthorization } from './load-owned';
import { markDeviceAttested } from './mark-device-attested';
import { verifyDeviceAttestation, type VerifiedAttestation } from './verify-device-attestation';

export interface ChallengeReply {
  challenge: ReturnType<typeof challengeObject>;
  /** The authorization URL, for the Link rel="up" header. */
  up: string;
}

function problemOf(err: AttestationError | AcmeProblem): AcmeProblem {
  return err instanceof AcmeProblem ? err : new AcmeProblem(err.code, err.message);
}

export async function respondToChallenge(
  db: Db,
  ctx: AcmeContext,
  account: AcmeAccount,
  accountJwk: PublicJwk,
  challengeId: string,
  payload: unknown,
): Promise<ChallengeReply> {
  const [found] = await db.select().from(acmeChallenges).where(eq(acmeChallenges.id, challengeId));
  if (!found) throw new AcmeProblem('malformed', 'No such challenge', 404);
  const authz = await loadOwnedAuthorization(db, account, found.authorizationId);
  const up = ctx.urls.authorization(authz.id);
  const reply = (c: AcmeChallenge): ChallengeReply => ({ challenge: challengeObject(c, ctx.urls), up });

  // POST-as-GET, or a retry after the challenge was decided: report where it stands.
  if (payload === null || found.status !== 'pending') return reply(found);
  if (authz.status !== 'pending') throw new AcmeProblem('malformed', `The authorization is ${authz.status}; create a new order`);

  const attObjText = (payload as { attObj?: unknown }).attObj;
  if (typeof attObjText !== 'string' || !attObjText) {
    throw new AcmeProblem('malformed', 'A device-attest-01 response is {"attObj": "<base64url CBOR attestation object>"}');
  }
  let attObj: AttestationObject;
  try {
    attObj = decodeAttestationObject(attObjText);
  } catch (err) {
    if (!(err instanceof AttestationError)) throw err;
    if (err.code === 'malformed') throw new AcmeProblem('malformed', err.message);
    return reply(await invalidate(db, ctx, account, found, problemOf(err)));
  }

  let verified: VerifiedAttestation;
  try {
    verified = await verifyDeviceAttestation(db, attObj, {
      token: found.token,
      identifier: authz.identifierValue,
      keyAuthorization: keyAuthorization(found.token, accountJwk),
    });
  } catch (err) {
    if (!(err instanceof AttestationError) && !(err instanceof AcmeProblem)) throw err;
    return reply(await invalidate(db, ctx, account, found, problemOf(err), attObj.fmt));
  }

  const actor = acmeActor(account, ctx.ip);
  const spki = verified.attestedPublicKeySpkiDer.toString('base64');
  const decided = await db.transaction(async (tx) => {
    const [challenge] = await tx.select().from(acmeChallenges).where(eq(acmeChallenges.id, found.id)).for('update');
    if (challenge.status !== 'pending') return challenge; // a concurrent response won
    const { device } = await markDeviceAttested(tx, actor, verified, { via: 'acme', orderId: authz.orderId, identifier: authz.identifierValue });
    const now = new Date();
    const [valid] = await tx
      .update(acmeChallenges)
      .set({ status: 'valid', validatedAt: now, evidence: device.attestationEvidence, updatedAt: now })
      .where(eq(acmeChallenges.id, challenge.id))
      .returning();
    await tx
      .update(acmeAuthorizations)
      .set({ status: 'valid', attestedPublicKey: spki, deviceId: device.id, updatedAt: now })
      .where(eq(acmeAuthorizations.id, authz.id));
    // One authorization per order: once it is valid the order is ready (RFC 8555 §7.1.6).
    await tx
      .update(acmeOrders)
      .set({ status: 'ready', attestedPublicKey: spki, deviceId: device.id, updatedAt: now })
      .where(and(eq(acmeOrders.id, authz.orderId), eq(acmeOrders.status, 'pending')));
    return valid;
  });
  return reply(decided);
}

async function invalidate(db: Db, ctx: AcmeContext, account: AcmeAccount, challenge: AcmeChallenge, problem: AcmeProblem, format?: string): Promise<AcmeChallenge> {
  const error: StoredProblem = problem.toDocument();
  return db.transaction(async (tx) => {
    const now = new Date();
    const [updated] = await tx
      .update(acmeChallenges)
      .set({ status: 'invalid', error, updatedAt: now })
      .where(and(eq(acmeChallenges.id, challenge.id), eq(acmeChallenges.status, 'pending')))
      .returning();
    if (!updated) return (await tx.select().from(acmeChallenges).where(eq(acmeChallenges.id, challenge.id)))[0];
    const [authz] = await tx
      .update(acmeAuthorizations)
      .set({ status: 'invalid', updatedAt: now })
      .where(eq(acmeAuthorizations.id, challenge.authorizationId))
      .returning();
    await tx.update(acmeOrders).set({ status: 'invalid', error, updatedAt: now }).where(eq(acmeOrders.id, authz.orderId));
    await recordAudit(tx, acmeActor(account, ctx.ip), {
      action: 'acme.attestation.refused',
      targetType: 'acme_order',
      targetId: authz.orderId,
      targetLabel: authz.identifierValue,
      details: { format: format ?? null, problem: problem.type, reason: problem.message.slice(0, 300) },
    });
    return updated;
  });
}
