// Adds a device through the REST API or the console. An API add of a permanent identifier that an
// MDM already synced merges into that device (the API contract says so); adding the same one twice
// through the same channel is a conflict.
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { deviceSources } from '@/server/db/schema';
import type { Actor } from '../actor';
import { conflict } from '../errors';
import {
  displayIdSchema,
  displayNameSchema,
  metadataSchema,
  osSchema,
  ownerEmailSchema,
  ownershipSchema,
  permanentIdentifierSchema,
  serialSchema,
  tagsSchema,
} from './device-fields';
import { recordDeviceSource } from './record-device-source';

export const createDeviceInput = z.object({
  permanentIdentifier: permanentIdentifierSchema,
  serial: serialSchema.optional(),
  displayName: displayNameSchema.optional(),
  displayId: displayIdSchema.optional(),
  os: osSchema.optional(),
  ownership: ownershipSchema.optional(),
  ownerEmail: ownerEmailSchema.optional(),
  tags: tagsSchema.optional(),
  metadata: metadataSchema.optional(),
  shared: z.boolean().optional(),
});
export type CreateDeviceInput = z.infer<typeof createDeviceInput>;

export async function createDevice(
  db: Db,
  actor: Actor,
  input: CreateDeviceInput,
  channel: 'api' | 'manual',
  opts: { approve?: boolean } = {},
) {
  const [existing] = await db
    .select({ id: deviceSources.id })
    .from(deviceSources)
    .where(and(eq(deviceSources.source, channel), eq(deviceSources.externalId, input.permanentIdentifier)));
  if (existing) throw conflict(`A device with the permanent identifier ${input.permanentIdentifier} already exists`, 'permanentIdentifier');
  // Apple devices: the serial is the permanent identifier.
  const serial = input.serial ?? (input.permanentIdentifier.startsWith('urn:') ? undefined : input.permanentIdentifier);
  const result = await recordDeviceSource(db, actor, {
    kind: channel,
    source: channel,
    externalId: input.permanentIdentifier,
    facts: { ...input, serial },
    authoritative: true,
    mustBeNew: true,
    approve: opts.approve,
  });
  return result;
}
