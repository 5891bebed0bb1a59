// The provider-neutral device record every MDM client yields (Fleet, Jamf Pro). The sync engine
// keys devices on hardwareUuid + serial (mdm-apis.md §1.7, §3.6, §6.5), never on externalId alone.

export type MdmProvider = 'fleet' | 'jamf';

/** Normalised platform; the provider's own string stays in `osName` / `raw`. */
export type MdmPlatform =
  | 'macos'
  | 'ios'
  | 'ipados'
  | 'tvos'
  | 'watchos'
  | 'visionos'
  | 'windows'
  | 'linux'
  | 'android'
  | 'chromeos'
  | 'unknown';

export interface MdmDevice {
  provider: MdmProvider;
  /** Jamf keeps computers and mobile devices in separate id spaces; Fleet hosts are all 'computer'
   *  except iOS/iPadOS/Android hosts, which are 'mobile'. */
  kind: 'computer' | 'mobile';
  /** The provider's record id as a string (Fleet host id, Jamf computer/mobile device id). A
   *  deleted-then-re-enrolled device gets a new one, so it is a foreign reference, not a key. */
  externalId: string;
  /** Hardware serial, trimmed; null when the provider reports none ("" on VMs and some Linux). */
  serial: string | null;
  /** Fleet `uuid` / Jamf `udid`: the Apple MDM UDID or the osquery hardware UUID. */
  hardwareUuid: string | null;
  /** Human name shown in the MDM console (Fleet display/computer name, Jamf general.name). */
  name: string | null;
  /** Network hostname (Fleet only; Jamf's inventory sections carry none). */
  hostname: string | null;
  platform: MdmPlatform;
  /** The provider's OS or platform string (Fleet `platform`, e.g. "ubuntu"; Jamf OS name "macOS"). */
  osName: string | null;
  osVersion: string | null;
  model: string | null;
  vendor: string | null;
  /** Owner email chosen by the provider-specific precedence documented on each client. */
  ownerEmail: string | null;
  /** Last contact of any kind with the MDM. */
  lastSeenAt: Date | null;
  /** Last (re-)enrollment into the MDM. */
  enrolledAt: Date | null;
  /** Whether the MDM currently manages the device (null when the provider did not say). */
  managed: boolean | null;
  /** Fleet team / Jamf site, when the provider reports one. */
  group: { id: string; name: string | null } | null;
  /** The provider's record as received (validated, extra fields kept). */
  raw: unknown;
}

/** One page of a paged listing: memory stays bounded by the page size. */
export interface MdmDevicePage {
  /** 0-based page index as sent to the provider. */
  page: number;
  devices: MdmDevice[];
  /** Jamf reports the total on every page; Fleet's list-hosts response carries none. */
  totalCount?: number;
}

/** Serials compare case-insensitively and trimmed; an empty serial is never a key (§6.5). */
export function serialKey(serial: string | null | undefined): string | null {
  const s = serial?.trim().toUpperCase();
  return s ? s : null;
}
