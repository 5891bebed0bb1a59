// Adds or removes tags on many devices in one statement; tags set here mask MDM values.
import { inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { auditLog, devices } from '@/server/db/schema';
import type { Actor } from '../actor';
import { tagsSchema } from './device-fields';

export const tagDevicesInput = z.object({
  deviceIds: z.array(z.uuid()).min(1, 'Select at least one device').max(1000),
  add: tagsSchema.default([]),
  remove: tagsSchema.default([]),
});

export async function tagDevices(db: Db, actor: Actor, input: z.input<typeof tagDevicesInput>) {
  const { deviceIds, add, remove } = tagDevicesInput.parse(input);
  return db.transaction(async (tx) => {
    const changed = await tx
      .update(devices)
      .set({
        // Arrays travel as JSON: drizzle would spread a JS array into a parameter list.
        tags: sql`array(select distinct t from unnest(array_cat(${devices.tags}, array(select jsonb_array_elements_text(${JSON.stringify(add)}::jsonb)))) t where not (t in (select jsonb_array_elements_text(${JSON.stringify(remove)}::jsonb))) order by t)`,
        maskedFields: sql`array(select distinct f from unnest(array_append(${devices.maskedFields}, 'tags')) f)`,
        updatedAt: new Date(),
      })
      .where(inArray(devices.id, deviceIds))
      .returning({ id: devices.id, label: sql<string>`coalesce(${devices.displayName}, ${devices.serial}, ${devices.permanentIdentifier}, ${devices.id}::text)` });
    if (changed.length) {
      await tx.insert(auditLog).values(
        changed.map((d) => ({
          actorType: actor.type,
          actorId: actor.id ?? null,
          actorLabel: actor.label,
          ip: actor.ip ?? null,
          action: 'device.tag',
          targetType: 'device',
          targetId: d.id,
          targetLabel: d.label,
          details: { add, remove },
        })),
      );
    }
    return { changed: changed.length };
  });
}
