// Approve or reject one device or many at once. One audit entry per device, so each device's
// history shows who decided.
import { and, inArray, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { auditLog, devices } from '@/server/db/schema';
import type { Actor } from '../actor';

export const setApprovalInput = z.object({
  deviceIds: z.array(z.uuid()).min(1, 'Select at least one device').max(1000, 'At most 1000 devices at once'),
  decision: z.enum(['approved', 'rejected']),
});

export async function setDeviceApproval(db: Db, actor: Actor, input: z.infer<typeof setApprovalInput>) {
  return db.transaction(async (tx) => {
    const approved = input.decision === 'approved';
    const changed = await tx
      .update(devices)
      .set({
        approvalStatus: input.decision,
        approvedAt: approved ? new Date() : null,
        approvedBy: approved ? actor.label : null,
        updatedAt: new Date(),
      })
      .where(and(inArray(devices.id, input.deviceIds), ne(devices.approvalStatus, input.decision)))
      .returning({ id: devices.id, label: sql<string>`coalesce(${devices.displayName}, ${devices.serial}, ${devices.permanentIdentifier}, ${devices.id}::text)` });
    if (changed.length) {
      await tx.insert(auditLog).values(
        changed.map((d) => ({
          actorType: actor.type,
          actorId: actor.id ?? null,
          actorLabel: actor.label,
          ip: actor.ip ?? null,
          action: approved ? 'device.approve' : 'device.reject',
          targetType: 'device',
          targetId: d.id,
          targetLabel: d.label,
        })),
      );
    }
    return { changed: changed.length, unchanged: input.deviceIds.length - changed.length };
  });
}
