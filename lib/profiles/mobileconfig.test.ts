import { parse as parsePlist } from 'plist';
import { describe, expect, it } from 'vitest';
import { APPLE_KEY_USAGE, buildMobileconfig } from './mobileconfig';
import { fleetProfileInput, HOSTILE_TEAM_NAME, ROOT_DER } from './testdata/fixtures';
import { findAll, parseXml, textOf } from './testdata/parse-xml';

type Dict = Record<string, unknown>;

function parseProfile(xml: string): Dict {
  return parsePlist(xml) as Dict;
}

function payloads(profile: Dict): Dict[] {
  return profile.PayloadContent as Dict[];
}

function payloadOfType(profile: Dict, type: string): Dict {
  const found = payloads(profile).find((payload) => payload.PayloadType === type);
  if (!found) throw new Error(`no ${type} payload`);
  return found;
}

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('buildMobileconfig', () => {
  const xml = buildMobileconfig(fleetProfileInput());
  const profile = parseProfile(xml);

  it('is a well-formed XML plist with the Apple DOCTYPE', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC')).toBe(true);
    const [root] = parseXml(xml);
    expect(root.name).toBe('plist');
    expect(root.attributes.version).toBe('1.0');
  });

  it('is a Configuration profile with the SCEP, root and agent payloads in that order', () => {
    expect(profile.PayloadType).toBe('Configuration');
    expect(profile.PayloadVersion).toBe(1);
    expect(profile.PayloadIdentifier).toBe('com.tessera.fleet.acme.TESSERA_AGENT');
    expect(profile.PayloadDisplayName).toBe('Tessera device certificate (TESSERA_AGENT)');
    expect(profile.PayloadOrganization).toBe('Acme Corp');
    expect(payloads(profile).map((payload) => payload.PayloadType)).toEqual([
      'com.apple.security.scep',
      'com.apple.security.root',
      'Configuration',
    ]);
  });

  it('fills the SCEP payload from Fleet variables for the CA name', () => {
    const scep = payloadOfType(profile, 'com.apple.security.scep');
    expect(scep.PayloadVersion).toBe(1);
    expect(scep.PayloadContent).toEqual({
      URL: '$FLEET_VAR_SMALLSTEP_SCEP_PROXY_URL_TESSERA_AGENT',
      Challenge: '$FLEET_VAR_SMALLSTEP_SCEP_CHALLENGE_TESSERA_AGENT',
      Subject: [[['CN', '$FLEET_VAR_HOST_UUID']], [['OU', '$FLEET_VAR_SCEP_RENEWAL_ID']]],
      SubjectAltName: {
        uniformResourceIdentifier: [
          'urn:tessera:fleet:host:$FLEET_VAR_HOST_UUID',
          'urn:tessera:serial:$FLEET_VAR_HOST_HARDWARE_SERIAL',
        ],
      },
      'Key Type': 'RSA',
      Keysize: 2048,
      'Key Usage': 5,
      KeyIsExtractable: false,
      AllowAllAppsAccess: false,
    });
    expect(APPLE_KEY_USAGE).toBe(1 | 4);
  });

  it('uses the seed’s bootstrap CN when asked, and points the agent at that label', () => {
    const bootstrap = parseProfile(buildMobileconfig(fleetProfileInput({ certificateSubject: 'agent-bootstrap' })));
    const content = payloadOfType(bootstrap, 'com.apple.security.scep').PayloadContent as Dict;
    expect(content.Subject).toEqual([[['CN', 'step-agent-bootstrap']], [['OU', '$FLEET_VAR_SCEP_RENEWAL_ID']]]);
    const settings = (payloadOfType(bootstrap, 'Configuration').PayloadContent as Dict[])[0];
    expect(settings.Certificate).toBe('mackms:label=step-agent-bootstrap;se=false;tag=');
  });

  it('carries the root certificate DER as data', () => {
    const root = payloadOfType(profile, 'com.apple.security.root');
    expect(Buffer.from(root.PayloadContent as Uint8Array).equals(ROOT_DER)).toBe(true);
    expect(root.PayloadCertificateFileName).toBe('tessera-TESSERA_AGENT-root-ca.cer');
  });

  it('nests the com.smallstep.Agent settings as the seed does', () => {
    const wrapper = payloadOfType(profile, 'Configuration');
    const [settings] = wrapper.PayloadContent as Dict[];
    expect(settings).toMatchObject({
      PayloadType: 'com.smallstep.Agent',
      PayloadVersion: 1,
      TeamSlug: 'acme',
      Certificate: 'mackms:label=$FLEET_VAR_HOST_UUID;se=false;tag=',
    });
  });

  it('names each CA-bound Fleet variable exactly once, as Fleet requires on upload', () => {
    expect(countOf(xml, '$FLEET_VAR_SMALLSTEP_SCEP_CHALLENGE_TESSERA_AGENT')).toBe(1);
    expect(countOf(xml, '$FLEET_VAR_SMALLSTEP_SCEP_PROXY_URL_TESSERA_AGENT')).toBe(1);
    expect(countOf(xml, '$FLEET_VAR_SCEP_RENEWAL_ID')).toBe(1);
    expect(countOf(xml, '$FLEET_VAR_SCEP_WINDOWS_CERTIFICATE_ID')).toBe(0);
  });

  it('uses distinct version-5 PayloadUUIDs', () => {
    const keys = findAll(parseXml(xml), 'key').filter((key) => textOf(key) === 'PayloadUUID');
    const values = [...xml.matchAll(/<key>PayloadUUID<\/key>\s*<string>([^<]+)<\/string>/g)].map((m) => m[1]);
    expect(keys).toHaveLength(5);
    expect(values).toHaveLength(5);
    expect(new Set(values).size).toBe(5);
    for (const value of values) expect(value).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  });

  it('is byte-identical when regenerated, and moves its UUIDs with the team or CA', () => {
    expect(buildMobileconfig(fleetProfileInput())).toBe(xml);
    const uuidOf = (text: string) => parseProfile(text).PayloadUUID;
    expect(uuidOf(buildMobileconfig(fleetProfileInput({ teamSlug: 'other' })))).not.toBe(profile.PayloadUUID);
    expect(uuidOf(buildMobileconfig(fleetProfileInput({ caName: 'OTHER_CA' })))).not.toBe(profile.PayloadUUID);
    // Display-only changes keep the identity of the profile.
    expect(uuidOf(buildMobileconfig(fleetProfileInput({ teamName: 'Renamed' })))).toBe(profile.PayloadUUID);
  });

  it('escapes a hostile team name and slug', () => {
    const hostile = buildMobileconfig(fleetProfileInput({ teamName: HOSTILE_TEAM_NAME, teamSlug: 'a&b</string>"x' }));
    expect(() => parseXml(hostile)).not.toThrow();
    expect(hostile).not.toContain('<script>');
    const parsed = parseProfile(hostile);
    expect(parsed.PayloadOrganization).toBe(HOSTILE_TEAM_NAME);
    const settings = (payloadOfType(parsed, 'Configuration').PayloadContent as Dict[])[0];
    expect(settings.TeamSlug).toBe('a&b</string>"x');
    // Identifiers stay reverse-DNS whatever the slug holds.
    expect(parsed.PayloadIdentifier).toBe('com.tessera.fleet.a-b-string-x.TESSERA_AGENT');
  });

  it('keeps control characters out of the XML', () => {
    const withControls = buildMobileconfig(fleetProfileInput({ teamName: 'Acme\u0000\u0001\u001F' }));
    expect(() => parseXml(withControls)).not.toThrow();
    expect(withControls).toContain('<string>Acme\uFFFD\uFFFD\uFFFD</string>');
  });
});
