// Apple configuration profile for Fleet's "smallstep" CA type (connect-fleet-dm seed, Step 4):
// a SCEP payload filled by Fleet's variables, the Agents root as a trust payload, and the agent's
// settings. Payloads: com.apple.security.scep, com.apple.security.root, com.smallstep.Agent.
import { certificateSubject } from './certificate-subject';
import { buildPlistXml, type PlistDict } from './plist-xml';
import { resolveProfileInput } from './resolve-input';
import { stableUuid } from './stable-uuid';
import type { FleetProfileInput } from './types';

/** Key Usage bits of Apple's SCEP payload: 1 signing (digitalSignature) + 4 encryption (keyEncipherment). */
export const APPLE_KEY_USAGE = 5;

function identifierSegment(text: string): string {
  return text.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'team';
}

export function buildMobileconfig(input: FleetProfileInput): string {
  const resolved = resolveProfileInput(input);
  const { vars, caName, teamSlug, teamName } = resolved;
  const subject = certificateSubject(resolved.certificateSubject, vars);
  const base = `com.tessera.fleet.${identifierSegment(teamSlug)}.${caName}`;
  // Same slug + CA name ⇒ same UUIDs; a different team or CA never collides.
  const uuid = (role: string) => stableUuid(`fleet-profile/${teamSlug}/${caName}/${role}`);

  // Apple's SCEP payload has no extended-key-usage key; Tessera adds clientAuth at issuance.
  const scep: PlistDict = {
    PayloadDisplayName: `Tessera SCEP (${caName})`,
    PayloadIdentifier: `${base}.scep`,
    PayloadType: 'com.apple.security.scep',
    PayloadUUID: uuid('scep'),
    PayloadVersion: 1,
    PayloadContent: {
      URL: vars.scepProxyUrl,
      Challenge: vars.scepChallenge,
      Subject: [[['CN', subject.commonName]], [['OU', subject.organizationalUnit]]],
      SubjectAltName: { uniformResourceIdentifier: [...subject.sanUris] },
      'Key Type': 'RSA',
      Keysize: 2048,
      'Key Usage': APPLE_KEY_USAGE,
      KeyIsExtractable: false,
      AllowAllAppsAccess: false,
    },
  };

  const root: PlistDict = {
    PayloadDisplayName: `Tessera Agents Root CA (${caName})`,
    PayloadIdentifier: `${base}.root-ca`,
    PayloadType: 'com.apple.security.root',
    PayloadUUID: uuid('root-ca'),
    PayloadVersion: 1,
    PayloadCertificateFileName: `tessera-${caName}-root-ca.cer`,
    PayloadContent: resolved.rootDer,
  };

  // The seed's shape: a Configuration-typed wrapper holding the com.smallstep.Agent settings.
  // The agent finds its bootstrap identity by keychain label, which macOS takes from the CN.
  const agent: PlistDict = {
    PayloadContent: [
      {
        PayloadType: 'com.smallstep.Agent',
        PayloadVersion: 1,
        PayloadIdentifier: `${base}.agent.settings`,
        PayloadUUID: uuid('agent-settings'),
        PayloadDisplayName: 'Tessera Agent Settings',
        TeamSlug: teamSlug,
        Certificate: `mackms:label=${subject.commonName};se=false;tag=`,
      },
    ],
    PayloadDisplayName: 'Tessera Agent',
    PayloadIdentifier: `${base}.agent`,
    PayloadType: 'Configuration',
    PayloadUUID: uuid('agent'),
    PayloadVersion: 1,
  };

  return buildPlistXml({
    PayloadContent: [scep, root, agent],
    PayloadDisplayName: `Tessera device certificate (${caName})`,
    PayloadDescription: `Device certificate and Agents root CA for ${teamName}, issued by Tessera through Fleet.`,
    PayloadOrganization: teamName,
    PayloadIdentifier: base,
    PayloadType: 'Configuration',
    PayloadUUID: uuid('profile'),
    PayloadVersion: 1,
  });
}
