import { describe, expect, it } from 'vitest';
import { AGENT_BOOTSTRAP_CN, certificateSubject } from './certificate-subject';
import { deviceHintsFromSubject, FLEET_HOST_URI_PREFIX, SERIAL_URI_PREFIX } from './device-binding';
import { fleetVariables } from './fleet-variables';

const UUID = '392547DC-A7C0-4D5E-9D1B-5E9C2B1A0F11';

// What the CSR carries after Fleet substituted the variables.
function substitute(text: string): string {
  return text
    .replaceAll('$FLEET_VAR_HOST_UUID', UUID)
    .replaceAll('$FLEET_VAR_HOST_HARDWARE_SERIAL', 'C02XK1ZZJGH5')
    .replaceAll('$FLEET_VAR_SCEP_RENEWAL_ID', 'fleet-0d8a4c6e-1111-4222-8333-444455556666');
}

describe('deviceHintsFromSubject', () => {
  it('exports the URI prefixes the profiles use', () => {
    expect(FLEET_HOST_URI_PREFIX).toBe('urn:tessera:fleet:host:');
    expect(SERIAL_URI_PREFIX).toBe('urn:tessera:serial:');
  });

  it.each(['host-uuid', 'agent-bootstrap'] as const)('reads back what the %s subject asks for', (choice) => {
    const subject = certificateSubject(choice, fleetVariables('TESSERA_AGENT'));
    const hints = deviceHintsFromSubject({
      commonName: substitute(subject.commonName),
      organizationalUnit: substitute(subject.organizationalUnit),
      sanUris: subject.sanUris.map(substitute),
    });
    expect(hints).toEqual({
      hardwareUuid: UUID,
      serial: 'C02XK1ZZJGH5',
      renewalId: 'fleet-0d8a4c6e-1111-4222-8333-444455556666',
    });
  });

  it('falls back to a host-id-looking CN when there is no host URI', () => {
    expect(deviceHintsFromSubject({ commonName: UUID })).toEqual({ hardwareUuid: UUID });
    expect(deviceHintsFromSubject({ commonName: '00008103-001A2C3E0A88801E' })).toEqual({
      hardwareUuid: '00008103-001A2C3E0A88801E',
    });
    expect(deviceHintsFromSubject({ commonName: AGENT_BOOTSTRAP_CN })).toEqual({});
    expect(deviceHintsFromSubject({ commonName: 'laptop.example.com' })).toEqual({});
  });

  it('prefers the SAN over the CN', () => {
    const hints = deviceHintsFromSubject({
      commonName: 'AAAAAAAA-0000-0000-0000-000000000000',
      sanUris: [`urn:tessera:fleet:host:${UUID}`],
    });
    expect(hints.hardwareUuid).toBe(UUID);
  });

  it('ignores variables Fleet left unsubstituted, in either spelling', () => {
    expect(
      deviceHintsFromSubject({
        commonName: '$FLEET_VAR_HOST_UUID',
        organizationalUnit: '${FLEET_VAR_SCEP_RENEWAL_ID}',
        sanUris: ['urn:tessera:fleet:host:$FLEET_VAR_HOST_UUID', 'urn:tessera:serial:${FLEET_VAR_HOST_HARDWARE_SERIAL}'],
      }),
    ).toEqual({});
  });

  it('skips a placeholder URI and takes the next real one', () => {
    const hints = deviceHintsFromSubject({
      sanUris: ['urn:tessera:serial:$FLEET_VAR_HOST_HARDWARE_SERIAL', 'urn:tessera:serial:SERIAL2'],
    });
    expect(hints).toEqual({ serial: 'SERIAL2' });
  });

  it('ignores unrelated and empty URIs and matches the prefix case-insensitively', () => {
    expect(
      deviceHintsFromSubject({
        sanUris: ['https://example.com/x', 'urn:tessera:serial:', 'URN:Tessera:Fleet:Host:abc-123'],
      }),
    ).toEqual({ hardwareUuid: 'abc-123' });
  });

  it('picks the fleet- OU out of several', () => {
    expect(deviceHintsFromSubject({ organizationalUnit: ['Devices', 'fleet-abc'] })).toEqual({ renewalId: 'fleet-abc' });
    expect(deviceHintsFromSubject({ organizationalUnit: ['Devices'] })).toEqual({ renewalId: 'Devices' });
    expect(deviceHintsFromSubject({ organizationalUnit: null, sanUris: null, commonName: null })).toEqual({});
  });
});
