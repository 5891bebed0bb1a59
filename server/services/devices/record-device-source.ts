// The one way a device record enters the inventory: a source (API, console, self-enrollment, MDM,
// agent) reports what it knows, and the record merges into the device with the same hardware
// identity (permanent identifier, then serial, then hardware UUID) or creates it. One device per
// physical machine; each source's record is kept beside it.
import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { deviceSources, devices, maskableFields, teams, type Device, type MaskableField, type SourceKind } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { ServiceError, conflict, isUniqueViolation } from '../errors';
import { initialApproval } from './approval-policy';
import { isMeaningfulSerial, type DeviceFacts } from './device-fields';
import { ownerUserIdFor } from './link-owner';

export interface SourceRecord {
  kind: SourceKind;
  /** "api", "manual", "idp", "agent", or "mdm:<integration id>". */
  source: string;
  externalId: string;
  facts: DeviceFacts;
  raw?: unknown;
  /** Values from an admin or the API mask what MDMs report; MDM values fill unmasked fields only. */
  authoritative: boolean;
  /** Adding a device through the API or console: a record from that channel must not exist yet. */
  mustBeNew?: boolean;
  /** An admin added it: approved whatever the policy says. */
  approve?: boolean;
  /** Called (inside the transaction) with the device the record would merge into; throw to refuse. */
  onMatch?: (device: Device) => void;
}

export interface RecordResult {
  device: Device;
  created: boolean;
  /** A new source joined an existing device. */
  merged: boolean;
  changedFields: string[];
}

const factColumns = [
  'permanentIdentifier',
  'serial',
  'hardwareUuid',
  'displayName',
  'displayId',
  'hostname',
  'os',
  'osVersion',
  'model',
  'manufacturer',
  'ownership',
  'ownerEmail',
  'tags',
  'metadata',
  'shared',
  'lastSeenAt',
] as const;

const isMaskable = (f: string): f is MaskableField => (maskableFields as readonly string[]).includes(f);

async function findMatch(tx: Db, rec: SourceRecord): Promise<Device | null> {
  const [bySource] = await tx
    .select({ device: devices })
    .from(deviceSources)
    .innerJoin(devices, eq(devices.id, deviceSources.deviceId))
    .where(and(eq(deviceSources.source, rec.source), eq(deviceSources.externalId, rec.externalId)))
    .limit(1)
    .for('update', { of: devices });
  if (bySource) return bySource.device;
  const f = rec.facts;
  const candidates: SQL[] = [];
  if (f.permanentIdentifier) candidates.push(eq(devices.permanentIdentifier, f.permanentIdentifier));
  if (isMeaningfulSerial(f.serial)) candidates.push(eq(sql`upper(${devices.serial})`, f.serial.toUpperCase()));
  if (f.hardwareUuid) candidates.push(eq(sql`upper(${devices.hardwareUuid})`, f.hardwareUuid.toUpperCase()));
  if (!candidates.length) return null;
  const rows = await tx
    .select()
    .from(devices)
    .where(or(...candidates))
    .limit(10)
    .for('update');
  // Prefer the strongest identity; never merge two different hardware identities.
  const compatible = rows.filter(
    (d) => !f.permanentIdentifier || !d.permanentIdentifier || d.permanentIdentifier === f.permanentIdentifier,
  );
  return (
    compatible.find((d) => f.permanentIdentifier && d.permanentIdentifier === f.permanentIdentifier) ??
    compatible.find((d) => isMeaningfulSerial(f.serial) && d.serial?.toUpperCase() === f.serial.toUpperCase()) ??
    compatible[0] ??
    null
  );
}

export async function recordDeviceSource(db: Db, actor: Actor, rec: SourceRecord): Promise<RecordResult> {
  try {
    return await db.transaction(async (tx) => {
      const [team] = await tx.select().from(teams).limit(1);
      if (!team) throw new ServiceError('PRECONDITION_FAILED', 'Tessera is not set up yet');
      const facts = Object.fromEntries(Object.entries(rec.facts).filter(([, v]) => v !== undefined)) as DeviceFacts;
      let device = await findMatch(tx, rec);
      if (device) rec.onMatch?.(device);
      let created = false;

      if (!device) {
        const masked = rec.authoritative ? Object.keys(facts).filter(isMaskable) : [];
        const approval = rec.approve ? 'approved' : initialApproval(team, rec.kind);
        const [inserted] = await tx
          .insert(devices)
          .values({
            ...facts,
            ownerUserId: await ownerUserIdFor(tx, facts.ownerEmail),
            maskedFields: masked,
            sourceKinds: [rec.kind],
            approvalStatus: approval,
            approvedAt: approval === 'approved' ? new Date() : null,
            approvedBy: approval === 'approved' ? (rec.approve ? actor.label : `policy:${rec.kind}`) : null,
          })
          .onConflictDoNothing({ target: devices.permanentIdentifier })
          .returning();
        if (inserted) {
          device = inserted;
          created = true;
        } else {
          // Another request created this permanent identifier a moment ago: merge into it.
          [device] = await tx.select().from(devices).where(eq(devices.permanentIdentifier, facts.permanentIdentifier!)).for('update');
          rec.onMatch?.(device);
        }
      }

      const changedFields: string[] = [];
      let merged = false;
      if (!created) {
        const update: Record<string, unknown> = {};
        const masked = new Set(device.maskedFields);
        for (const key of factColumns) {
          if (!(key in facts)) continue;
          const value = facts[key];
          const current = device[key as keyof Device];
          const identity = key === 'permanentIdentifier' || key === 'serial' || key === 'hardwareUuid';
          if (identity && current) continue; // a hardware identity, once known, is not overwritten by a source
          if (!rec.authoritative && isMaskable(key) && masked.has(key)) continue;
          if (!rec.authoritative && value == null && key !== 'lastSeenAt') continue;
          if (rec.authoritative && isMaskable(key)) masked.add(key);
          if (JSON.stringify(current ?? null) !== JSON.stringify(value ?? null)) {
            update[key] = value;
            if (key !== 'lastSeenAt') changedFields.push(key);
          }
        }
        if ('ownerEmail' in update) update.ownerUserId = await ownerUserIdFor(tx, update.ownerEmail as string | null);
        if (rec.authoritative) update.maskedFields = [...masked];
        if (!device.sourceKinds.includes(rec.kind)) {
          update.sourceKinds = [...device.sourceKinds, rec.kind];
          merged = true;
        }
        // An API add approves a device that was waiting (never one an admin rejected).
        if (rec.kind === 'api' && device.approvalStatus === 'pending') {
          Object.assign(update, { approvalStatus: 'approved', approvedAt: new Date(), approvedBy: 'policy:api' });
          changedFields.push('approvalStatus');
        }
        if (Object.keys(update).length) {
          [device] = await tx
            .update(devices)
            .set({ ...update, updatedAt: new Date() })
            .where(eq(devices.id, device.id))
            .returning();
        }
      }

      const [existingSource] = await tx
        .select({ id: deviceSources.id, deviceId: deviceSources.deviceId })
        .from(deviceSources)
        .where(and(eq(deviceSources.source, rec.source), eq(deviceSources.externalId, rec.externalId)));
      if (existingSource && rec.mustBeNew) {
        throw conflict(`A device with the permanent identifier ${rec.externalId} already exists`, 'permanentIdentifier');
      }
      if (existingSource) {
        await tx
          .update(deviceSources)
          .set({ normalized: jsonFacts(facts), raw: rec.raw ?? null, lastSeenAt: new Date(), removedAt: null })
          .where(eq(deviceSources.id, existingSource.id));
      } else {
        await tx.insert(deviceSources).values({
          deviceId: device.id,
          kind: rec.kind,
          source: rec.source,
          externalId: rec.externalId,
          normalized: jsonFacts(facts),
          raw: rec.raw ?? null,
        });
        if (!created) merged = true;
      }

      if (created || merged || changedFields.length) {
        await recordAudit(tx, actor, {
          action: created ? 'device.create' : merged ? 'device.source.add' : 'device.update',
          targetType: 'device',
          targetId: device.id,
          targetLabel: deviceLabel(device),
          details: { source: rec.source, externalId: rec.externalId, ...(changedFields.length && !created ? { fields: changedFields } : {}) },
        });
      }
      return { device, created, merged, changedFields };
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw conflict(`A device record from ${rec.source} with the identifier ${rec.externalId} already exists`);
    }
    throw err;
  }
}

function jsonFacts(f: DeviceFacts): Record<string, unknown> {
  return JSON.parse(JSON.stringify(f));
}

export function deviceLabel(d: Pick<Device, 'displayName' | 'serial' | 'permanentIdentifier' | 'id'>): string {
  return d.displayName || d.serial || d.permanentIdentifier || d.id;
}

/** For tests and services: whether a source record still stands for the device. */
export const activeSources = (deviceId: string) => and(eq(deviceSources.deviceId, deviceId), isNull(deviceSources.removedAt));
