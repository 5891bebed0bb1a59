// Which inventory device a SCEP request is for. Fleet's challenge names no host, so the profile
// puts the host's hardware UUID and serial into the CSR (see lib/profiles/device-binding.ts).
import { sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { devices, type Device, type Integration } from '@/server/db/schema';
import type { ParsedCsr } from '@/lib/pki/parse-csr';
import { deviceHintsFromSubject } from '@/lib/profiles/device-binding';
import type { Actor } from '../actor';
import { recordDeviceSource } from '../devices/record-device-source';
import { isMeaningfulSerial } from '../devices/device-fields';

export function hintsFromCsr(csr: ParsedCsr) {
  return deviceHintsFromSubject({
    commonName: csr.commonName,
    organizationalUnit: csr.subjectAttributes.find((a) => a.shortName === 'OU' || a.type === '2.5.4.11')?.value,
    sanUris: csr.subjectAltNames.uris,
  });
}

export async function findDeviceForCsr(db: Db, integration: Integration, csr: ParsedCsr, actor: Actor): Promise<Device | null> {
  const hints = hintsFromCsr(csr);
  if (!hints.hardwareUuid && !isMeaningfulSerial(hints.serial)) return null;
  const conditions = [];
  if (hints.hardwareUuid) conditions.push(sql`upper(${devices.hardwareUuid}) = ${hints.hardwareUuid.toUpperCase()}`);
  if (isMeaningfulSerial(hints.serial)) conditions.push(sql`upper(${devices.serial}) = ${hints.serial.toUpperCase()}`);
  const [found] = await db
    .select()
    .from(devices)
    .where(sql.join(conditions, sql` or `))
    .limit(1);
  if (found) return found;
  // A host Fleet has not synced yet: it enters the inventory as an MDM record, waiting for
  // approval if the team requires it.
  const { device } = await recordDeviceSource(db, actor, {
    kind: 'fleet',
    source: `mdm:${integration.id}`,
    externalId: hints.hardwareUuid ?? hints.serial!,
    facts: { hardwareUuid: hints.hardwareUuid ?? undefined, serial: hints.serial ?? undefined },
    authoritative: false,
  });
  return device;
}
