// Test, reconfigure and disconnect MDM connections.
import { and, desc, eq, inArray, notExists, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { deviceSources, devices, integrations, mdmSyncRuns } from '@/server/db/schema';
import { MdmError } from '@/lib/mdm/http';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { notFound } from '../errors';
import { mdmClientFor } from '../mdm/mdm-client-for';

async function load(db: Db, id: string) {
  const [row] = await db.select().from(integrations).where(eq(integrations.id, id));
  if (!row) throw notFound('Connection');
  return row;
}

export async function testIntegration(db: Db, id: string) {
  const integration = await load(db, id);
  try {
    const r = await mdmClientFor(integration, { maxRetries: 0, timeoutMs: 15_000 }).testConnection();
    return { ok: true as const, serverVersion: r.serverVersion, deviceCount: r.deviceCount };
  } catch (err) {
    if (err instanceof MdmError) return { ok: false as const, kind: err.kind, message: err.message };
    return { ok: false as const, kind: 'internal', message: 'The connection could not be tested (see the server log)' };
  }
}

export const updateIntegrationInput = z.object({
  id: z.uuid(),
  name: z.string().trim().min(1).max(100).optional(),
  syncIntervalMinutes: z.number().int().min(15).max(7 * 24 * 60).optional(),
  syncEnabled: z.boolean().optional(),
});

export async function updateIntegration(db: Db, actor: Actor, input: z.infer<typeof updateIntegrationInput>) {
  const before = await load(db, input.id);
  const { id, ...changes } = input;
  const [row] = await db
    .update(integrations)
    .set({ ...changes, updatedAt: new Date(), ...(changes.syncIntervalMinutes ? { nextSyncAt: new Date(Date.now() + changes.syncIntervalMinutes * 60_000) } : {}) })
    .where(eq(integrations.id, id))
    .returning();
  await recordAudit(db, actor, { action: 'integration.update', targetType: 'integration', targetId: id, targetLabel: row.name, details: { changes, previousName: before.name } });
  return row;
}

/** Disconnects; devices known only from this connection are removed or kept, as the admin chose. */
export async function disconnectIntegration(db: Db, actor: Actor, input: { id: string; removeDevices: boolean }) {
  const integration = await load(db, input.id);
  const source = `mdm:${integration.id}`;
  return db.transaction(async (tx) => {
    const [{ n: records }] = await tx.select({ n: sql<number>`count(*)::int` }).from(deviceSources).where(eq(deviceSources.source, source));
    let removedDevices = 0;
    if (input.removeDevices) {
      const other = tx
        .select({ one: sql`1` })
        .from(deviceSources)
        .where(and(eq(deviceSources.deviceId, devices.id), sql`${deviceSources.source} <> ${source}`));
      const only = await tx
        .select({ id: devices.id })
        .from(devices)
        .where(and(inArray(devices.id, tx.select({ id: deviceSources.deviceId }).from(deviceSources).where(eq(deviceSources.source, source))), notExists(other)));
      if (only.length) {
        const ids = only.map((d) => d.id);
        for (let i = 0; i < ids.length; i += 5000) await tx.delete(devices).where(inArray(devices.id, ids.slice(i, i + 5000)));
        removedDevices = ids.length;
      }
    }
    const affected = await tx.delete(deviceSources).where(eq(deviceSources.source, source)).returning({ deviceId: deviceSources.deviceId });
    // Devices left without a record of this kind lose the kind from their list of sources.
    if (affected.length) {
      await tx.execute(sql`
        update ${devices} d set source_kinds = array_remove(d.source_kinds, ${integration.kind})
        where d.id in (select jsonb_array_elements_text(${JSON.stringify([...new Set(affected.map((a) => a.deviceId))])}::jsonb)::uuid)
          and not exists (select 1 from ${deviceSources} s where s.device_id = d.id and s.kind = ${integration.kind})`);
    }
    await tx.delete(integrations).where(eq(integrations.id, integration.id));
    await recordAudit(tx, actor, {
      action: 'integration.delete',
      targetType: 'integration',
      targetId: integration.id,
      targetLabel: integration.name,
      details: { kind: integration.kind, removeDevices: input.removeDevices, removedDevices, detachedRecords: records },
    });
    return { removedDevices, detachedRecords: records };
  });
}

/** The connection's current run (with progress) and recent history. */
export async function syncStatus(db: Db, id: string) {
  const integration = await load(db, id);
  const runs = await db.select().from(mdmSyncRuns).where(eq(mdmSyncRuns.integrationId, id)).orderBy(desc(mdmSyncRuns.startedAt)).limit(10);
  const current = runs.find((r) => r.status === 'running') ?? null;
  const lastSuccess = runs.find((r) => r.status === 'succeeded') ?? null;
  const lastFailure = runs.find((r) => r.status === 'failed') ?? null;
  return {
    integration: { id: integration.id, name: integration.name, kind: integration.kind, syncEnabled: integration.syncEnabled, syncIntervalMinutes: integration.syncIntervalMinutes, nextSyncAt: integration.nextSyncAt },
    current,
    lastSuccess,
    lastError: lastFailure && (!lastSuccess || lastFailure.startedAt > lastSuccess.startedAt) ? lastFailure : null,
    history: runs,
  };
}
