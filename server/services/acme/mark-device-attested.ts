// A verified attestation makes the device it names high-assurance: the device with that
// permanent identifier (for Apple also a device known only by its serial number), or a new
// self-enrolled device that waits for approval as the team's policy says.
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { devices, type Device } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { deviceLabel, recordDeviceSource } from '../devices/record-device-source';
import type { VerifiedAttestation } from './verify-device-attestation';

export interface AttestedDevice {
  device: Device;
  created: boolean;
}

export async function markDeviceAttested(db: Db, actor: Actor, attestation: VerifiedAttestation, extraEvidence: Record<string, unknown>): Promise<AttestedDevice> {
  // recordDeviceSource matches the permanent identifier, then (for Apple) the serial number of a
  // device known only from an MDM, and fills the identifier in there instead of adding a device.
  const { permanentIdentifier } = attestation;
  const { device: recorded, created } = await recordDeviceSource(db, actor, {
    kind: 'agent',
    source: 'agent',
    externalId: permanentIdentifier,
    facts: {
      permanentIdentifier,
      ...(attestation.serial ? { serial: attestation.serial } : {}),
      lastSeenAt: new Date(),
    },
    authoritative: false,
  });

  const attestedAt = new Date();
  const evidence = { ...attestation.evidence, ...extraEvidence, format: attestation.format, attestedAt: attestedAt.toISOString() };
  const [device] = await db
    .update(devices)
    .set({ assurance: 'high', attestedAt, attestationFormat: attestation.format, attestationEvidence: evidence, updatedAt: attestedAt })
    .where(eq(devices.id, recorded.id))
    .returning();
  await recordAudit(db, actor, {
    action: 'device.attest',
    targetType: 'device',
    targetId: device.id,
    targetLabel: deviceLabel(device),
    details: { format: attestation.format, permanentIdentifier, created, ...extraEvidence },
  });
  return { device, created };
}
