// The files an admin uploads to Fleet for one connection, generated from the team, the Agents
// root and the connection's endpoints (generators in lib/profiles).
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { integrations } from '@/server/db/schema';
import { buildFleetGitopsYaml } from '@/lib/profiles/fleet-gitops';
import { buildLinuxAgentYaml, buildLinuxPostInstallScript } from '@/lib/profiles/linux-agent';
import { buildMobileconfig } from '@/lib/profiles/mobileconfig';
import { profileFileNames } from '@/lib/profiles/profile-file-names';
import type { FleetProfileInput } from '@/lib/profiles/types';
import { buildWindowsRootSyncml, buildWindowsScepSyncml } from '@/lib/profiles/windows-syncml';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { notFound, badRequest } from '../errors';
import { loadAuthority } from '../pki/load-authority';
import { getTeam } from '../team/get-team';

export const profileKinds = ['mobileconfig', 'windows-scep', 'windows-root', 'linux-script', 'linux-agent', 'gitops'] as const;
export type ProfileKind = (typeof profileKinds)[number];

export async function generateProfile(db: Db, integrationId: string, kind: string, baseUrl: string) {
  if (!(profileKinds as readonly string[]).includes(kind)) throw badRequest(`Unknown profile "${kind.slice(0, 40)}"; use one of ${profileKinds.join(', ')}`);
  const [integration] = await db.select().from(integrations).where(eq(integrations.id, integrationId));
  if (!integration || integration.kind !== 'fleet') throw notFound('Fleet connection');
  const [team, auth] = await Promise.all([getTeam(db), loadAuthority(db)]);
  const input: FleetProfileInput = {
    teamSlug: team!.slug,
    teamName: team!.name,
    caName: integration.caName,
    rootCaPem: auth.row.rootCertPem,
    rootFingerprintSha256: certificateFingerprint(auth.root.der).hex,
    tesseraUrl: baseUrl,
    scepUrl: `${baseUrl}/scep/${integration.id}`,
    challengeUrl: `${baseUrl}/webhook/${integration.id}/challenge`,
    certificateSubject: 'host-uuid',
  };
  const names = profileFileNames(integration.caName);
  switch (kind as ProfileKind) {
    case 'mobileconfig':
      return { fileName: names.mobileconfig, contentType: 'application/x-apple-aspen-config', body: buildMobileconfig(input) };
    case 'windows-scep':
      return { fileName: names.windowsScep, contentType: 'application/xml', body: buildWindowsScepSyncml(input) };
    case 'windows-root':
      return { fileName: names.windowsRoot, contentType: 'application/xml', body: buildWindowsRootSyncml(input) };
    case 'linux-script':
      return { fileName: names.linuxPostInstall, contentType: 'text/x-shellscript', body: buildLinuxPostInstallScript(input) };
    case 'linux-agent':
      return { fileName: 'agent.yaml', contentType: 'application/yaml', body: buildLinuxAgentYaml(input) };
    case 'gitops': {
      const g = buildFleetGitopsYaml(input);
      return {
        fileName: `tessera-${integration.caName}-gitops.yml`,
        contentType: 'application/yaml',
        body: `# default.yml: certificate authority (set SMALLSTEP_CHALLENGE_USERNAME and SMALLSTEP_CHALLENGE_PASSWORD in your GitOps environment)\n${g.defaultYml}\n---\n# teams/<your team>.yml: profiles and agent packages\n${g.teamYml}`,
      };
    }
  }
}
