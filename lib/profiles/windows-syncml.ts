// Windows SyncML profiles for Fleet's "smallstep" CA type (connect-fleet-dm seed, Step 4):
// ClientCertificateInstall/SCEP enrolment and the Agents root in RootCATrustedCertificates/Root.
// Fleet takes bare <Replace>/<Exec> commands and adds CmdIDs itself, so there is no SyncML envelope.
import { certificateSubject } from './certificate-subject';
import { resolveProfileInput } from './resolve-input';
import type { FleetProfileInput } from './types';
import { escapeXml } from './xml-escape';

/** digitalSignature (0x80) + keyEncipherment (0x20), the CSP's decimal KeyUsage. */
export const WINDOWS_KEY_USAGE = 160;
/** id-kp-clientAuth. */
export const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';
/** CERT_ALT_NAME_URL in the CSP's "<name format>+<name>" SAN syntax (11 would be a UPN). */
export const WINDOWS_SAN_URI = 7;

type SyncmlFormat = 'node' | 'int' | 'chr' | 'b64';

function replaceItem(locUri: string, format: SyncmlFormat, data?: string): string {
  const lines = [
    '<Replace>',
    '  <Item>',
    '    <Target>',
    `      <LocURI>${escapeXml(locUri)}</LocURI>`,
    '    </Target>',
    '    <Meta>',
    `      <Format xmlns="syncml:metinf">${format}</Format>`,
    '    </Meta>',
  ];
  if (data !== undefined) lines.push(`    <Data>${escapeXml(data)}</Data>`);
  lines.push('  </Item>', '</Replace>');
  return lines.join('\n');
}

function execItem(locUri: string): string {
  return [
    '<Exec>',
    '  <Item>',
    '    <Target>',
    `      <LocURI>${escapeXml(locUri)}</LocURI>`,
    '    </Target>',
    '  </Item>',
    '</Exec>',
  ].join('\n');
}

export function buildWindowsScepSyncml(input: FleetProfileInput): string {
  const resolved = resolveProfileInput(input);
  const { vars } = resolved;
  const subject = certificateSubject(resolved.certificateSubject, vars);
  const node = `./Device/Vendor/MSFT/ClientCertificateInstall/SCEP/${vars.windowsCertificateId}`;
  const install = `${node}/Install`;

  // SubjectName is CertNameToStr syntax; the values Fleet substitutes (UUIDs, fleet-<uuid>) need no quoting.
  const items = [
    replaceItem(node, 'node'),
    replaceItem(`${install}/KeyUsage`, 'int', String(WINDOWS_KEY_USAGE)),
    replaceItem(`${install}/KeyLength`, 'int', '2048'),
    // The seed says SHA-1; SHA-2 lets Windows sign the request with SHA-256, which Tessera advertises.
    replaceItem(`${install}/HashAlgorithm`, 'chr', 'SHA-2'),
    replaceItem(`${install}/SubjectName`, 'chr', `CN=${subject.commonName},OU=${subject.organizationalUnit}`),
    replaceItem(
      `${install}/SubjectAlternativeNames`,
      'chr',
      subject.sanUris.map((uri) => `${WINDOWS_SAN_URI}+${uri}`).join(';'),
    ),
    replaceItem(`${install}/EKUMapping`, 'chr', CLIENT_AUTH_EKU),
    replaceItem(`${install}/ServerURL`, 'chr', vars.scepProxyUrl),
    replaceItem(`${install}/Challenge`, 'chr', vars.scepChallenge),
    replaceItem(`${install}/CAThumbprint`, 'chr', resolved.windowsThumbprintHex),
    // Enroll must come last: the device starts enrolment with the values set so far.
    execItem(`${install}/Enroll`),
  ];
  return `${items.join('\n')}\n`;
}

export function buildWindowsRootSyncml(input: FleetProfileInput): string {
  const resolved = resolveProfileInput(input);
  const locUri = `./Device/Vendor/MSFT/RootCATrustedCertificates/Root/${resolved.windowsThumbprintHex}/EncodedCertificate`;
  return `${replaceItem(locUri, 'b64', resolved.rootBase64)}\n`;
}
