// Applies one page of MDM records to the inventory in one transaction, with a handful of set-based
// statements whatever the page size: unchanged records only get their "seen" marks, new devices
// are inserted in bulk, and the few that merge into an existing device or changed go through the
// same per-device service as every other source.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { auditLog, deviceSources, devices, teams, users, type Integration } from '@/server/db/schema';
import type { MdmDevice } from '@/lib/mdm/types';
import type { Actor } from '../actor';
import { initialApproval } from '../devices/approval-policy';
import { isMeaningfulSerial, type DeviceFacts } from '../devices/device-fields';
import { recordDeviceSource } from '../devices/record-device-source';
import { externalIdOf, factsFromMdm, factsKey } from './facts-from-mdm';

export interface PageCounts {
  added: number;
  updated: number;
  unchanged: number;
}

export async function applyMdmPage(db: Db, integration: Integration, runId: string, page: MdmDevice[], actor: Actor): Promise<PageCounts> {
  const source = `mdm:${integration.id}`;
  const kind = integration.kind;
  const records = new Map<string, { d: MdmDevice; facts: DeviceFacts }>();
  for (const d of page) records.set(externalIdOf(d), { d, facts: factsFromMdm(d) });
  const counts: PageCounts = { added: 0, updated: 0, unchanged: 0 };
  if (!records.size) return counts;

  return db.transaction(async (tx) => {
    const [team] = await tx.select().from(teams).limit(1);
    const ids = [...records.keys()];
    const known = await tx
      .select({ id: deviceSources.id, externalId: deviceSources.externalId, deviceId: deviceSources.deviceId, normalized: deviceSources.normalized, removedAt: deviceSources.removedAt })
      .from(deviceSources)
      .where(and(eq(deviceSources.source, source), inArray(deviceSources.externalId, ids)));
    const knownById = new Map(known.map((k) => [k.externalId, k]));

    const unchangedSourceIds: string[] = [];
    const seen: { deviceId: string; lastSeen: Date | null }[] = [];
    const slow: string[] = []; // changed, or new but matching an existing device
    const fresh: string[] = [];
    for (const [externalId, r] of records) {
      const k = knownById.get(externalId);
      if (k && !k.removedAt && factsKey(k.normalized as DeviceFacts) === factsKey(r.facts)) {
        unchangedSourceIds.push(k.id);
        seen.push({ deviceId: k.deviceId, lastSeen: r.d.lastSeenAt });
      } else if (k) slow.push(externalId);
      else fresh.push(externalId);
    }

    // New records: those whose hardware identity is already in the inventory merge one by one.
    if (fresh.length) {
      const serials = fresh.map((id) => records.get(id)!.facts.serial).filter(isMeaningfulSerial).map((s) => s.toUpperCase());
      const uuids = fresh.map((id) => records.get(id)!.facts.hardwareUuid).filter((u): u is string => !!u).map((u) => u.toUpperCase());
      const pids = fresh.map((id) => records.get(id)!.facts.permanentIdentifier).filter((p): p is string => !!p);
      const existing =
        serials.length || uuids.length || pids.length
          ? await tx
              .select({ serial: devices.serial, hardwareUuid: devices.hardwareUuid, pid: devices.permanentIdentifier })
              .from(devices)
              .where(
                sql`upper(${devices.serial}) in (select jsonb_array_elements_text(${JSON.stringify(serials)}::jsonb))
                    or upper(${devices.hardwareUuid}) in (select jsonb_array_elements_text(${JSON.stringify(uuids)}::jsonb))
                    or ${devices.permanentIdentifier} in (select jsonb_array_elements_text(${JSON.stringify(pids)}::jsonb))`,
              )
          : [];
      const taken = new Set<string>();
      for (const e of existing) {
        if (e.serial) taken.add(`s:${e.serial.toUpperCase()}`);
        if (e.hardwareUuid) taken.add(`u:${e.hardwareUuid.toUpperCase()}`);
        if (e.pid) taken.add(`p:${e.pid}`);
      }
      const bulk: string[] = [];
      for (const id of fresh) {
        const f = records.get(id)!.facts;
        const keys = [
          isMeaningfulSerial(f.serial) ? `s:${f.serial.toUpperCase()}` : null,
          f.hardwareUuid ? `u:${f.hardwareUuid.toUpperCase()}` : null,
          f.permanentIdentifier ? `p:${f.permanentIdentifier}` : null,
        ].filter((k): k is string => !!k);
        // Matches an existing device, or another record of this page: merge through the service.
        if (keys.some((k) => taken.has(k))) slow.push(id);
        else bulk.push(id);
        keys.forEach((k) => taken.add(k));
      }
      if (bulk.length) {
        const emails = [...new Set(bulk.map((id) => records.get(id)!.facts.ownerEmail).filter((e): e is string => !!e))];
        const owners = emails.length
          ? await tx.select({ id: users.id, email: sql<string>`lower(${users.email})` }).from(users).where(inArray(sql`lower(${users.email})`, emails))
          : [];
        const ownerIds = new Map(owners.map((o) => [o.email, o.id]));
        const approval = initialApproval(team, kind);
        const now = new Date();
        const inserted = await tx
          .insert(devices)
          .values(
            bulk.map((id) => {
              const { d, facts } = records.get(id)!;
              return {
                ...facts,
                lastSeenAt: d.lastSeenAt,
                ownerUserId: facts.ownerEmail ? (ownerIds.get(facts.ownerEmail) ?? null) : null,
                sourceKinds: [kind],
                approvalStatus: approval,
                approvedAt: approval === 'approved' ? now : null,
                approvedBy: approval === 'approved' ? `policy:${kind}` : null,
              };
            }),
          )
          .returning({ id: devices.id, label: sql<string>`coalesce(${devices.displayName}, ${devices.serial}, ${devices.id}::text)` });
        await tx.insert(deviceSources).values(
          bulk.map((id, i) => {
            const { d, facts } = records.get(id)!;
            return { deviceId: inserted[i].id, kind, source, externalId: id, normalized: JSON.parse(JSON.stringify(facts)), raw: d.raw as object, lastRunId: runId, lastSeenAt: now };
          }),
        );
        await tx.insert(auditLog).values(
          inserted.map((dev, i) => ({
            actorType: actor.type,
            actorId: actor.id ?? null,
            actorLabel: actor.label,
            action: 'device.create',
            targetType: 'device',
            targetId: dev.id,
            targetLabel: dev.label,
            details: { source, externalId: bulk[i] },
          })),
        );
        counts.added += inserted.length;
      }
    }

    for (const id of slow) {
      const { d, facts } = records.get(id)!;
      const r = await recordDeviceSource(tx, actor, { kind, source, externalId: id, facts: { ...facts, lastSeenAt: d.lastSeenAt }, raw: d.raw, authoritative: false });
      if (r.created) counts.added++;
      else counts.updated++;
    }
    if (slow.length) {
      await tx.update(deviceSources).set({ lastRunId: runId }).where(and(eq(deviceSources.source, source), inArray(deviceSources.externalId, slow)));
    }

    if (unchangedSourceIds.length) {
      counts.unchanged += unchangedSourceIds.length;
      await tx.update(deviceSources).set({ lastRunId: runId, lastSeenAt: new Date() }).where(inArray(deviceSources.id, unchangedSourceIds));
      // Keep the device's last-seen time current without rewriting unchanged rows.
      const stamps = seen.filter((s) => s.lastSeen).map((s) => [s.deviceId, s.lastSeen!.toISOString()]);
      if (stamps.length) {
        await tx.execute(sql`
          update ${devices} d set last_seen_at = v.seen
          from (select (e->>0)::uuid as id, (e->>1)::timestamptz as seen from jsonb_array_elements(${JSON.stringify(stamps)}::jsonb) e) v
          where d.id = v.id and (d.last_seen_at is null or d.last_seen_at < v.seen)`);
      }
    }
    return counts;
  });
}
