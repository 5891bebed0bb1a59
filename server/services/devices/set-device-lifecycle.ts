import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { devices, lifecycleStatuses } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { notFound } from '../errors';
import { deviceLabel } from './record-device-source';

export const lifecycleInput = z.object({ status: z.enum(lifecycleStatuses, { error: 'status must be active, quarantined or deleted' }) });

/** Active devices may receive certificates; quarantined and deleted ones may not. */
export async function setDeviceLifecycle(db: Db, actor: Actor, deviceId: string, status: (typeof lifecycleStatuses)[number]) {
  return db.transaction(async (tx) => {
    const [device] = await tx.select().from(devices).where(eq(devices.id, deviceId)).for('update');
    if (!device) throw notFound('Device');
    if (device.lifecycleStatus === status) return device;
    const [updated] = await tx
      .update(devices)
      .set({ lifecycleStatus: status, updatedAt: new Date() })
      .where(eq(devices.id, deviceId))
      .returning();
    await recordAudit(tx, actor, {
      action: 'device.lifecycle',
      targetType: 'device',
      targetId: deviceId,
      targetLabel: deviceLabel(device),
      details: { from: device.lifecycleStatus, to: status },
    });
    return updated;
  });
}
