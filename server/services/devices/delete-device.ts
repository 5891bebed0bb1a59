import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { devices } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { notFound } from '../errors';
import { deviceLabel } from './record-device-source';

/** Removes the device and its source records; the audit entry keeps what it was. */
export async function deleteDevice(db: Db, actor: Actor, deviceId: string) {
  await db.transaction(async (tx) => {
    const [device] = await tx.delete(devices).where(eq(devices.id, deviceId)).returning();
    if (!device) throw notFound('Device');
    await recordAudit(tx, actor, {
      action: 'device.delete',
      targetType: 'device',
      targetId: deviceId,
      targetLabel: deviceLabel(device),
      details: { permanentIdentifier: device.permanentIdentifier, serial: device.serial, sources: device.sourceKinds },
    });
  });
}
