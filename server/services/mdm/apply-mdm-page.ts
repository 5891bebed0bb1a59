// Applies one page of MDM records to the inventory in one transaction, with a handful of set-based
// statements whatever the page size: unchanged records only get their "seen" marks, new devices
// are inserted in bulk, and the few that merge into an existing device or changed go through the
// same per-device service as every other source.
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { auditLog, deviceSources, devices, mdmSeen, users, type Integration, type Team } from '@/server/db/schema';
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

export async function applyMdmPage(
  db: Db,
  integration: Integration,
  team: Pick<Team, 'requireApprovalMdm' | 'requireApprovalSelfEnrolled'>,
  runId: string,
  page: MdmDevice[],
  actor: Actor,
): Promise<PageCounts> {
  const source = `mdm:${integration.id}`;
  const kind = integration.kind;
  const records = new Map<string, { d: MdmDevice; facts: DeviceFacts }>();
  for (const d of page) records.set(externalIdOf(d), { d, facts: factsFromMdm(d) });
  const counts: PageCounts = { added: 0, updated: 0, unchanged: 0 };
  if (!records.size) return counts;

  return db.transaction(async (tx) => {
    const ids = [...records.keys()];
    const known = await tx
      .select({ id: deviceSources.id, externalId: deviceSources.externalId, deviceId: deviceSources.deviceId, normalized: deviceSources.normalized, removedAt: deviceSources.removedAt })
      .from(deviceSources)
      .where(and(eq(deviceSources.source, source), sql`${deviceSources.externalId} = any(array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)))`));
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
                // "= any(array(...))" lets Postgres use each index; "in (select ...)" joined by OR scans.
                sql`upper(${devices.serial}) = any(array(select jsonb_array_elements_text(${JSON.stringify(serials)}::jsonb)))
                    or upper(${devices.hardwareUuid}) = any(array(select jsonb_array_elements_text(${JSON.stringify(uuids)}::jsonb)))
                    or ${devices.permanentIdentifier} = any(array(select jsonb_array_elements_text(${JSON.stringify(pids)}::jsonb)))`,
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
        // Rows travel as one JSON parameter: building a 500-row VALUES list costs more CPU than
        // the database spends inserting it.
        const rows = bulk.map((id) => {
          const { d, facts } = records.get(id)!;
          return {
            id: randomUUID(),
            externalId: id,
            permanent_identifier: facts.permanentIdentifier ?? null,
            serial: facts.serial ?? null,
            hardware_uuid: facts.hardwareUuid ?? null,
            display_name: facts.displayName ?? null,
            hostname: facts.hostname ?? null,
            os: facts.os ?? null,
            os_version: facts.osVersion ?? null,
            model: facts.model ?? null,
            manufacturer: facts.manufacturer ?? null,
            owner_email: facts.ownerEmail ?? null,
            owner_user_id: facts.ownerEmail ? (ownerIds.get(facts.ownerEmail) ?? null) : null,
            last_seen_at: d.lastSeenAt?.toISOString() ?? null,
            label: facts.displayName ?? facts.serial ?? null,
            normalized: JSON.parse(JSON.stringify(facts)),
            raw: d.raw ?? null,
          };
        });
        const payload = JSON.stringify(rows);
        await tx.execute(sql`
          insert into ${devices} (id, permanent_identifier, serial, hardware_uuid, display_name, hostname, os, os_version, model,
            manufacturer, owner_email, owner_user_id, last_seen_at, source_kinds, approval_status, approved_at, approved_by)
          select r.id, r.permanent_identifier, r.serial, r.hardware_uuid, r.display_name, r.hostname, r.os, r.os_version, r.model,
            r.manufacturer, r.owner_email, r.owner_user_id, r.last_seen_at, array[${kind}]::text[], ${approval},
            ${approval === 'approved' ? now.toISOString() : null}::timestamptz, ${approval === 'approved' ? `policy:${kind}` : null}
          from jsonb_to_recordset(${payload}::jsonb) as r(id uuid, permanent_identifier text, serial text, hardware_uuid text,
            display_name text, hostname text, os text, os_version text, model text, manufacturer text, owner_email text,
            owner_user_id uuid, last_seen_at timestamptz)`);
        await tx.execute(sql`
          insert into ${deviceSources} (device_id, kind, source, external_id, normalized, raw, last_seen_at)
          select r.id, ${kind}, ${source}, r."externalId", r.normalized, r.raw, ${now.toISOString()}::timestamptz
          from jsonb_to_recordset(${payload}::jsonb) as r(id uuid, "externalId" text, normalized jsonb, raw jsonb)`);
        await tx.execute(sql`
          insert into ${auditLog} (actor_type, actor_id, actor_label, action, target_type, target_id, target_label, details)
          select ${actor.type}, ${actor.id ?? null}, ${actor.label}, 'device.create', 'device', r.id::text, coalesce(r.label, r.id::text),
            jsonb_build_object('source', ${source}::text, 'externalId', r."externalId")
          from jsonb_to_recordset(${payload}::jsonb) as r(id uuid, "externalId" text, label text)`);
        const inserted = rows;
        counts.added += inserted.length;
      }
    }

    for (const id of slow) {
      const { d, facts } = records.get(id)!;
      const r = await recordDeviceSource(tx, actor, { kind, source, externalId: id, facts: { ...facts, lastSeenAt: d.lastSeenAt }, raw: d.raw, authoritative: false });
      if (r.created) counts.added++;
      else counts.updated++;
    }
    // Every record of the page was seen by this run (narrow rows; see mdmSeen).
    await tx.execute(sql`
      insert into ${mdmSeen} (run_id, source_id)
      select ${runId}::uuid, s.id from ${deviceSources} s
      where s.source = ${source} and s.external_id = any(array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)))
      on conflict do nothing`);

    if (unchangedSourceIds.length) {
      counts.unchanged += unchangedSourceIds.length;
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
