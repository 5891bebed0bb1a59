// PATCH semantics of the REST API and the console's edit form: a value sets a field and masks the
// MDM's value for it; null unsets it, which reveals the MDM's value again if there is one.
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { deviceSources, devices, type Device, type MaskableField } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { notFound } from '../errors';
import {
  displayIdSchema,
  displayNameSchema,
  metadataSchema,
  osSchema,
  ownerEmailSchema,
  ownershipSchema,
  serialSchema,
  tagsSchema,
} from './device-fields';
import { ownerUserIdFor } from './link-owner';
import { deviceLabel } from './record-device-source';

export const updateDeviceInput = z.object({
  serial: serialSchema.nullable().optional(),
  displayName: displayNameSchema.nullable().optional(),
  displayId: displayIdSchema.nullable().optional(),
  os: osSchema.nullable().optional(),
  ownership: ownershipSchema.nullable().optional(),
  ownerEmail: ownerEmailSchema.nullable().optional(),
  tags: tagsSchema.nullable().optional(),
  metadata: metadataSchema.nullable().optional(),
  shared: z.boolean().optional(),
});
export type UpdateDeviceInput = z.infer<typeof updateDeviceInput>;

const emptyValue: Partial<Record<MaskableField, unknown>> = { tags: [], metadata: {} };

export async function updateDevice(db: Db, actor: Actor, deviceId: string, input: UpdateDeviceInput): Promise<Device> {
  return db.transaction(async (tx) => {
    const [device] = await tx.select().from(devices).where(eq(devices.id, deviceId)).for('update');
    if (!device) throw notFound('Device');
    const masked = new Set(device.maskedFields);
    const set: Record<string, unknown> = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    let mdmFacts: Record<string, unknown> | undefined;
    for (const [key, value] of Object.entries(input) as [keyof UpdateDeviceInput, unknown][]) {
      if (value === undefined) continue;
      let next = value;
      if (key !== 'shared') {
        if (value === null) {
          masked.delete(key);
          mdmFacts ??= await latestMdmFacts(tx, device.id);
          next = mdmFacts[key] ?? emptyValue[key] ?? null;
        } else {
          masked.add(key);
        }
      }
      if (JSON.stringify(device[key] ?? null) !== JSON.stringify(next ?? null)) {
        set[key] = next;
        changes[key] = { from: device[key] ?? null, to: next ?? null };
      }
    }
    set.maskedFields = [...masked];
    if ('ownerEmail' in set) set.ownerUserId = await ownerUserIdFor(tx, set.ownerEmail as string | null);
    const [updated] = await tx
      .update(devices)
      .set({ ...set, updatedAt: new Date() })
      .where(eq(devices.id, device.id))
      .returning();
    if (Object.keys(changes).length) {
      await recordAudit(tx, actor, {
        action: 'device.update',
        targetType: 'device',
        targetId: device.id,
        targetLabel: deviceLabel(updated),
        details: { changes },
      });
    }
    return updated;
  });
}

/** What the most recently seen MDM record says about the device (empty when none). */
async function latestMdmFacts(tx: Db, deviceId: string): Promise<Record<string, unknown>> {
  const [mdm] = await tx
    .select({ normalized: deviceSources.normalized })
    .from(deviceSources)
    .where(
      and(eq(deviceSources.deviceId, deviceId), isNull(deviceSources.removedAt), inArray(deviceSources.kind, ['fleet', 'jamf'])),
    )
    .orderBy(desc(deviceSources.lastSeenAt))
    .limit(1);
  return mdm?.normalized ?? {};
}
