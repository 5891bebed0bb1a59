// How a SCEP request names its Fleet host: the profiles put the host UUID and serial in SAN URIs
// (and, by default, the UUID in CN) because Fleet's challenge webhook carries no host identity
// (mdm-apis.md §2.3, §2.6). The SCEP handler reads them back with deviceHintsFromSubject.

export const FLEET_HOST_URI_PREFIX = 'urn:tessera:fleet:host:';
export const SERIAL_URI_PREFIX = 'urn:tessera:serial:';

export interface SubjectFields {
  commonName?: string | null;
  /** One OU or all of them, in CSR order. */
  organizationalUnit?: string | readonly string[] | null;
  sanUris?: readonly string[] | null;
}

export interface DeviceHints {
  /** Fleet host `uuid` (Apple: hardware UUID or UDID; Windows: SMBIOS UUID). */
  hardwareUuid?: string;
  /** Fleet host `hardware_serial`. */
  serial?: string;
  /** Fleet renewal marker, `fleet-<uuid>`. */
  renewalId?: string;
}

// A variable Fleet could not fill stays in the text as `$FLEET_VAR_X` or `${FLEET_VAR_X}`.
function isUsable(value: string | null | undefined): value is string {
  return !!value && value.trim() !== '' && !/\$\{?FLEET_VAR_/.test(value);
}

function uriValue(uris: readonly string[], prefix: string): string | undefined {
  for (const uri of uris) {
    if (uri.length <= prefix.length || uri.slice(0, prefix.length).toLowerCase() !== prefix) continue;
    const value = uri.slice(prefix.length).trim();
    if (isUsable(value)) return value;
  }
  return undefined;
}

// UUIDs and iOS UDIDs are hex and dashes; a CN like "step-agent-bootstrap" is not a host id.
const HOST_ID_CN = /^[0-9A-Fa-f-]{8,64}$/;

export function deviceHintsFromSubject({ commonName, organizationalUnit, sanUris }: SubjectFields): DeviceHints {
  const hints: DeviceHints = {};
  const uris = sanUris ?? [];

  const cn = commonName?.trim();
  const hardwareUuid = uriValue(uris, FLEET_HOST_URI_PREFIX) ?? (isUsable(cn) && HOST_ID_CN.test(cn) ? cn : undefined);
  if (hardwareUuid) hints.hardwareUuid = hardwareUuid;

  const serial = uriValue(uris, SERIAL_URI_PREFIX);
  if (serial) hints.serial = serial;

  const units = (typeof organizationalUnit === 'string' ? [organizationalUnit] : (organizationalUnit ?? []))
    .map((unit) => unit.trim())
    .filter(isUsable);
  const renewalId = units.find((unit) => unit.startsWith('fleet-')) ?? units[0];
  if (renewalId) hints.renewalId = renewalId;

  return hints;
}
