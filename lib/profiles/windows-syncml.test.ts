import { describe, expect, it } from 'vitest';
import { fleetProfileInput, HOSTILE_TEAM_NAME, ROOT_DER, ROOT_SHA1_HEX, ROOT_SHA256_HEX } from './testdata/fixtures';
import { findAll, parseXml, textOf, type XmlElement } from './testdata/parse-xml';
import { buildWindowsRootSyncml, buildWindowsScepSyncml, CLIENT_AUTH_EKU, WINDOWS_KEY_USAGE } from './windows-syncml';

const NODE = './Device/Vendor/MSFT/ClientCertificateInstall/SCEP/$FLEET_VAR_SCEP_WINDOWS_CERTIFICATE_ID';

interface Command {
  verb: string;
  locUri: string;
  format?: string;
  data?: string;
}

function commands(xml: string): Command[] {
  return parseXml(xml, { fragment: true }).map((command: XmlElement) => {
    const items = findAll(command, 'Item');
    expect(items).toHaveLength(1);
    const [format] = findAll(command, 'Format');
    const [data] = findAll(command, 'Data');
    if (format) expect(format.attributes.xmlns).toBe('syncml:metinf');
    return {
      verb: command.name,
      locUri: textOf(findAll(command, 'LocURI')[0]),
      format: format && textOf(format),
      data: data && textOf(data),
    };
  });
}

describe('buildWindowsScepSyncml', () => {
  const xml = buildWindowsScepSyncml(fleetProfileInput());
  const parsed = commands(xml);

  it('is well-formed XML made only of Fleet-style Replace and Exec commands', () => {
    expect(new Set(parsed.map((command) => command.verb))).toEqual(new Set(['Replace', 'Exec']));
    expect(xml).not.toContain('<SyncML');
    expect(xml).not.toContain('<CmdID>');
  });

  it('creates the SCEP node, sets every Install value, then runs Enroll last', () => {
    expect(parsed.map((command) => command.locUri)).toEqual([
      NODE,
      `${NODE}/Install/KeyUsage`,
      `${NODE}/Install/KeyLength`,
      `${NODE}/Install/HashAlgorithm`,
      `${NODE}/Install/SubjectName`,
      `${NODE}/Install/SubjectAlternativeNames`,
      `${NODE}/Install/EKUMapping`,
      `${NODE}/Install/ServerURL`,
      `${NODE}/Install/Challenge`,
      `${NODE}/Install/CAThumbprint`,
      `${NODE}/Install/Enroll`,
    ]);
    expect(parsed.at(-1)).toEqual({ verb: 'Exec', locUri: `${NODE}/Install/Enroll`, format: undefined, data: undefined });
    expect(parsed[0]).toMatchObject({ verb: 'Replace', format: 'node', data: undefined });
  });

  it('asks for the values Tessera expects', () => {
    const byLeaf = Object.fromEntries(parsed.slice(1, -1).map((command) => [command.locUri.split('/').at(-1), command]));
    expect(byLeaf.KeyUsage).toMatchObject({ format: 'int', data: String(WINDOWS_KEY_USAGE) });
    expect(WINDOWS_KEY_USAGE).toBe(0x80 | 0x20);
    expect(byLeaf.KeyLength).toMatchObject({ format: 'int', data: '2048' });
    expect(byLeaf.HashAlgorithm).toMatchObject({ format: 'chr', data: 'SHA-2' });
    expect(byLeaf.SubjectName).toMatchObject({
      format: 'chr',
      data: 'CN=$FLEET_VAR_HOST_UUID,OU=$FLEET_VAR_SCEP_RENEWAL_ID',
    });
    expect(byLeaf.SubjectAlternativeNames).toMatchObject({
      format: 'chr',
      data: '7+urn:tessera:fleet:host:$FLEET_VAR_HOST_UUID;7+urn:tessera:serial:$FLEET_VAR_HOST_HARDWARE_SERIAL',
    });
    expect(byLeaf.EKUMapping).toMatchObject({ format: 'chr', data: CLIENT_AUTH_EKU });
    expect(CLIENT_AUTH_EKU).toBe('1.3.6.1.5.5.7.3.2');
    expect(byLeaf.ServerURL).toMatchObject({ format: 'chr', data: '$FLEET_VAR_SMALLSTEP_SCEP_PROXY_URL_TESSERA_AGENT' });
    expect(byLeaf.Challenge).toMatchObject({ format: 'chr', data: '$FLEET_VAR_SMALLSTEP_SCEP_CHALLENGE_TESSERA_AGENT' });
    expect(byLeaf.CAThumbprint).toMatchObject({ format: 'chr', data: ROOT_SHA256_HEX.toUpperCase() });
  });

  it('keeps Fleet’s renewal marker in OU and names each CA-bound variable once', () => {
    expect(xml).toContain('OU=$FLEET_VAR_SCEP_RENEWAL_ID');
    for (const variable of [
      '$FLEET_VAR_SMALLSTEP_SCEP_CHALLENGE_TESSERA_AGENT',
      '$FLEET_VAR_SMALLSTEP_SCEP_PROXY_URL_TESSERA_AGENT',
      '$FLEET_VAR_SCEP_RENEWAL_ID',
    ]) {
      expect(xml.split(variable).length - 1).toBe(1);
    }
  });

  it('uses the bootstrap CN when asked', () => {
    const bootstrap = commands(buildWindowsScepSyncml(fleetProfileInput({ certificateSubject: 'agent-bootstrap' })));
    expect(bootstrap.find((command) => command.locUri.endsWith('/SubjectName'))?.data).toBe(
      'CN=step-agent-bootstrap,OU=$FLEET_VAR_SCEP_RENEWAL_ID',
    );
  });

  it('switches CAThumbprint to the CSP’s SHA-1 form on request', () => {
    const sha1 = commands(buildWindowsScepSyncml(fleetProfileInput({ windowsThumbprint: 'sha1' })));
    expect(sha1.find((command) => command.locUri.endsWith('/CAThumbprint'))?.data).toBe(ROOT_SHA1_HEX.toUpperCase());
  });

  it('is deterministic and ignores the team name', () => {
    expect(buildWindowsScepSyncml(fleetProfileInput())).toBe(xml);
    expect(buildWindowsScepSyncml(fleetProfileInput({ teamName: HOSTILE_TEAM_NAME }))).toBe(xml);
  });
});

describe('buildWindowsRootSyncml', () => {
  it('adds the root to RootCATrustedCertificates/Root under its thumbprint, as one-line base64', () => {
    const xml = buildWindowsRootSyncml(fleetProfileInput());
    const parsed = commands(xml);
    expect(parsed).toHaveLength(1);
    const [command] = parsed;
    expect(command.verb).toBe('Replace');
    expect(command.locUri).toBe(
      `./Device/Vendor/MSFT/RootCATrustedCertificates/Root/${ROOT_SHA256_HEX.toUpperCase()}/EncodedCertificate`,
    );
    expect(command.format).toBe('b64');
    expect(command.data).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(command.data!, 'base64').equals(ROOT_DER)).toBe(true);
  });

  it('names the node by SHA-1 when asked', () => {
    const [command] = commands(buildWindowsRootSyncml(fleetProfileInput({ windowsThumbprint: 'sha1' })));
    expect(command.locUri).toContain(`/Root/${ROOT_SHA1_HEX.toUpperCase()}/EncodedCertificate`);
  });
});
