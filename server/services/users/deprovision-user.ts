// Deprovisioning (issue 7): when the identity provider deactivates or deletes a user, their sessions
// end at once (sessionVersion), they cannot sign in (active = false), and their devices are flagged.
// Under the team's 'revoke' policy their devices' certificates are also revoked (affiliationChanged)
// and the devices quarantined; the CRL is regenerated once per authority, after the commit.
import { and, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { authorities, certificates, devices, teams, users, type DeprovisionAction, type User } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { notFound } from '../errors';
import { deviceLabel } from '../devices/record-device-source';
import { regenerateCrl } from '../pki/crl';
import { revocationReasons } from '../pki/revoke-certificate';

export type DeprovisionTrigger = 'deactivated' | 'deleted';

export interface DeprovisionOutcome {
  userId: string;
  action: DeprovisionAction;
  devicesFlagged: number;
  devicesQuarantined: number;
  certificatesRevoked: number;
  /** Authorities whose CRL must be regenerated once the transaction has committed. */
  crlAuthorityIds: string[];
}

/** Deprovisions in its own transaction and publishes the CRL afterwards. */
export async function deprovisionUser(db: Db, actor: Actor, input: { userId: string; trigger: DeprovisionTrigger }): Promise<DeprovisionOutcome> {
  const outcome = await db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, input.userId)).for('update');
    if (!user) throw notFound('User');
    return deprovisionUserInTx(tx, actor, user, input.trigger);
  });
  await publishRevocations(db, outcome.crlAuthorityIds);
  return outcome;
}

/**
 * The deprovisioning writes, for a caller that already holds the user's row lock in `tx` (the SCIM
 * services, which write the resource in the same transaction). The caller must pass
 * `crlAuthorityIds` to publishRevocations after committing.
 */
export async function deprovisionUserInTx(tx: Db, actor: Actor, user: User, trigger: DeprovisionTrigger): Promise<DeprovisionOutcome> {
  const now = new Date();
  const [team] = await tx.select({ deprovisionAction: teams.deprovisionAction }).from(teams).limit(1);
  const action: DeprovisionAction = team?.deprovisionAction ?? 'review';

  await tx
    .update(users)
    .set({
      active: false,
      // Every session token carries the version it was issued with; bumping it ends them all now.
      sessionVersion: sql`${users.sessionVersion} + 1`,
      ...(trigger === 'deleted' ? { deletedAt: now } : {}),
      updatedAt: now,
    })
    .where(eq(users.id, user.id));

  const owned = await tx
    .select()
    .from(devices)
    .where(and(eq(devices.ownerUserId, user.id), ne(devices.lifecycleStatus, 'deleted')))
    .for('update');
  const ownedIds = owned.map((d) => d.id);

  const toFlag = owned.filter((d) => !d.ownerDeprovisionedAt);
  if (toFlag.length > 0) {
    await tx.update(devices).set({ ownerDeprovisionedAt: now, updatedAt: now }).where(inArray(devices.id, toFlag.map((d) => d.id)));
    for (const device of toFlag) {
      await recordAudit(tx, actor, {
        action: 'device.owner_deprovisioned',
        targetType: 'device',
        targetId: device.id,
        targetLabel: deviceLabel(device),
        details: { userId: user.id, user: user.email, trigger },
      });
    }
  }

  let certificatesRevoked = 0;
  let devicesQuarantined = 0;
  const crlAuthorityIds = new Set<string>();
  if (action === 'revoke' && ownedIds.length > 0) {
    const live = await tx
      .select({ id: certificates.id, serialHex: certificates.serialHex, subject: certificates.subject, deviceId: certificates.deviceId, authorityId: certificates.authorityId })
      .from(certificates)
      .where(and(inArray(certificates.deviceId, ownedIds), isNull(certificates.revokedAt), gt(certificates.notAfter, now)))
      .for('update');
    if (live.length > 0) {
      await tx
        .update(certificates)
        .set({ revokedAt: now, revocationReason: revocationReasons.affiliationChanged })
        .where(and(inArray(certificates.id, live.map((c) => c.id)), isNull(certificates.revokedAt)));
      for (const cert of live) {
        crlAuthorityIds.add(cert.authorityId);
        // The same audit row revokeCertificate writes, so the certificate's history reads alike.
        await recordAudit(tx, actor, {
          action: 'certificate.revoke',
          targetType: 'certificate',
          targetId: cert.serialHex,
          targetLabel: cert.subject,
          details: { reason: 'affiliationChanged', deviceId: cert.deviceId, deprovisionedUserId: user.id },
        });
      }
      certificatesRevoked = live.length;
    }
    const toQuarantine = owned.filter((d) => d.lifecycleStatus === 'active');
    if (toQuarantine.length > 0) {
      await tx.update(devices).set({ lifecycleStatus: 'quarantined', updatedAt: now }).where(inArray(devices.id, toQuarantine.map((d) => d.id)));
      for (const device of toQuarantine) {
        await recordAudit(tx, actor, {
          action: 'device.lifecycle',
          targetType: 'device',
          targetId: device.id,
          targetLabel: deviceLabel(device),
          details: { from: device.lifecycleStatus, to: 'quarantined', reason: 'owner deprovisioned', userId: user.id },
        });
      }
      devicesQuarantined = toQuarantine.length;
    }
  }

  const outcome: DeprovisionOutcome = {
    userId: user.id,
    action,
    devicesFlagged: toFlag.length,
    devicesQuarantined,
    certificatesRevoked,
    crlAuthorityIds: [...crlAuthorityIds],
  };
  await recordAudit(tx, actor, {
    action: trigger === 'deleted' ? 'user.delete' : 'user.deactivate',
    targetType: 'user',
    targetId: user.id,
    targetLabel: user.email,
    details: {
      deprovision: { action, devicesFlagged: outcome.devicesFlagged, devicesQuarantined, certificatesRevoked },
      wasActive: user.active,
    },
  });
  return outcome;
}

/**
 * Regenerates each affected authority's CRL once. A failure here does not undo the revocations
 * (they are committed and the CRL is rebuilt on its next refresh); it is logged for the operator.
 */
export async function publishRevocations(db: Db, authorityIds: readonly string[]): Promise<void> {
  if (authorityIds.length === 0) return;
  const rows = await db.select({ slug: authorities.slug }).from(authorities).where(inArray(authorities.id, [...authorityIds]));
  for (const { slug } of rows) {
    try {
      await regenerateCrl(db, slug);
    } catch (err) {
      console.error(`[deprovision] CRL of authority "${slug}" could not be regenerated:`, err);
    }
  }
}
