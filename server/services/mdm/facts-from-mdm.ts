// What an MDM record says about a device, in the inventory's terms.
import type { MdmDevice } from '@/lib/mdm/types';
import type { DeviceOs } from '@/server/db/schema';
import type { DeviceFacts } from '../devices/device-fields';
import { isMeaningfulSerial } from '../devices/device-fields';

const OS: Partial<Record<MdmDevice['platform'], DeviceOs>> = {
  macos: 'macOS',
  ios: 'iOS',
  ipados: 'iOS',
  tvos: 'tvOS',
  watchos: 'watchOS',
  visionos: 'visionOS',
  windows: 'Windows',
  linux: 'Linux',
};
const APPLE = new Set(['macos', 'ios', 'ipados', 'tvos', 'watchos', 'visionos']);

export function externalIdOf(d: MdmDevice): string {
  // Jamf numbers computers and mobile devices separately.
  return d.provider === 'jamf' ? `${d.kind}:${d.externalId}` : d.externalId;
}

export function factsFromMdm(d: MdmDevice): DeviceFacts {
  const clip = (s: string | null, n = 256) => (s ? s.slice(0, n) : null);
  return {
    // An Apple device's serial is its permanent identifier (protocol notes, device identifiers).
    permanentIdentifier: APPLE.has(d.platform) && isMeaningfulSerial(d.serial) ? d.serial : undefined,
    serial: clip(d.serial, 128),
    hardwareUuid: clip(d.hardwareUuid, 128),
    displayName: clip(d.name),
    hostname: clip(d.hostname),
    os: OS[d.platform] ?? null,
    osVersion: clip(d.osVersion, 64),
    model: clip(d.model),
    manufacturer: clip(d.vendor),
    ownerEmail: d.ownerEmail ? d.ownerEmail.toLowerCase().slice(0, 254) : null,
  };
}

/** The facts compared between syncs: everything but the ever-changing last-seen time. */
export function factsKey(f: DeviceFacts): string {
  return JSON.stringify([f.permanentIdentifier ?? null, f.serial, f.hardwareUuid, f.displayName, f.hostname, f.os, f.osVersion, f.model, f.manufacturer, f.ownerEmail]);
}
