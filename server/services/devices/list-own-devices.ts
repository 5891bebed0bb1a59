// "My devices": the devices whose owner is the signed-in person, and nothing else.
import { and, desc, eq, ne } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { devices } from '@/server/db/schema';

const LIMIT = 200;

export async function listOwnDevices(db: Db, userId: string) {
  const rows = await db
    .select({
      id: devices.id,
      displayName: devices.displayName,
      serial: devices.serial,
      permanentIdentifier: devices.permanentIdentifier,
      os: devices.os,
      approvalStatus: devices.approvalStatus,
      lifecycleStatus: devices.lifecycleStatus,
      assurance: devices.assurance,
      sourceKinds: devices.sourceKinds,
      enrolledAt: devices.enrolledAt,
      lastSeenAt: devices.lastSeenAt,
    })
    .from(devices)
    .where(and(eq(devices.ownerUserId, userId), ne(devices.lifecycleStatus, 'deleted')))
    .orderBy(desc(devices.enrolledAt), desc(devices.id))
    .limit(LIMIT);
  return rows.map((d) => ({ ...d, label: d.displayName || d.serial || d.permanentIdentifier || 'Device' }));
}
