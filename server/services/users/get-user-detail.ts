// One user for the console: their identity (local or provisioned), the groups the identity
// provider put them in, the devices they own and those devices' certificates.
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { certificates, devices, scimGroupMembers, scimGroups, users } from '@/server/db/schema';
import { notFound } from '../errors';

const LIMIT = 200;

export async function getUserDetail(db: Db, userId: string) {
  const [user] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      source: users.source,
      active: users.active,
      userName: users.userName,
      externalId: users.externalId,
      deletedAt: users.deletedAt,
      lastSignInAt: users.lastSignInAt,
      createdAt: users.createdAt,
      updatedAt: users.updatedAt,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw notFound('User');
  const [groups, owned] = await Promise.all([
    db
      .select({ id: scimGroups.id, displayName: scimGroups.displayName })
      .from(scimGroupMembers)
      .innerJoin(scimGroups, eq(scimGroups.id, scimGroupMembers.groupId))
      .where(eq(scimGroupMembers.userId, userId))
      .orderBy(scimGroups.displayName)
      .limit(LIMIT),
    db
      .select({
        id: devices.id,
        displayName: devices.displayName,
        serial: devices.serial,
        permanentIdentifier: devices.permanentIdentifier,
        os: devices.os,
        approvalStatus: devices.approvalStatus,
        assurance: devices.assurance,
        lifecycleStatus: devices.lifecycleStatus,
        ownerDeprovisionedAt: devices.ownerDeprovisionedAt,
        lastSeenAt: devices.lastSeenAt,
      })
      .from(devices)
      .where(eq(devices.ownerUserId, userId))
      .orderBy(desc(devices.enrolledAt))
      .limit(LIMIT),
  ]);
  const certs = owned.length
    ? await db
        .select({
          id: certificates.id,
          serialHex: certificates.serialHex,
          subject: certificates.subject,
          deviceId: certificates.deviceId,
          notAfter: certificates.notAfter,
          revokedAt: certificates.revokedAt,
          revocationReason: certificates.revocationReason,
        })
        .from(certificates)
        .where(and(inArray(certificates.deviceId, owned.map((d) => d.id))))
        .orderBy(desc(certificates.createdAt))
        .limit(LIMIT)
    : [];
  const now = Date.now();
  return {
    user,
    groups,
    devices: owned.map((d) => ({ ...d, label: d.displayName || d.serial || d.permanentIdentifier || d.id })),
    certificates: certs.map((c) => ({
      ...c,
      status: c.revokedAt ? ('revoked' as const) : c.notAfter.getTime() < now ? ('expired' as const) : ('active' as const),
    })),
  };
}
