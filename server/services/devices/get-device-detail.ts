// Everything the device page shows: the device, its owner, each source record, and its history.
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { auditLog, certificates, deviceSources, devices, users } from '@/server/db/schema';
import { notFound } from '../errors';

export async function getDeviceDetail(db: Db, deviceId: string) {
  const [row] = await db
    .select({ device: devices, ownerName: users.name, ownerActive: users.active })
    .from(devices)
    .leftJoin(users, eq(users.id, devices.ownerUserId))
    .where(eq(devices.id, deviceId));
  if (!row) throw notFound('Device');
  const [sources, history, certs] = await Promise.all([
    db.select().from(deviceSources).where(eq(deviceSources.deviceId, deviceId)).orderBy(deviceSources.firstSeenAt),
    db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetType, 'device'), eq(auditLog.targetId, deviceId)))
      .orderBy(desc(auditLog.id))
      .limit(100),
    db
      .select({
        serialHex: certificates.serialHex,
        subject: certificates.subject,
        issuedVia: certificates.issuedVia,
        template: certificates.template,
        notBefore: certificates.notBefore,
        notAfter: certificates.notAfter,
        revokedAt: certificates.revokedAt,
      })
      .from(certificates)
      .where(eq(certificates.deviceId, deviceId))
      .orderBy(desc(certificates.createdAt))
      .limit(50),
  ]);
  return { device: row.device, certificates: certs, owner: row.device.ownerEmail ? { email: row.device.ownerEmail, name: row.ownerName, linked: !!row.device.ownerUserId } : null, sources, history };
}
