// fleetctl gitops snippets (connect-fleet-dm seed, "GitOps"): the CA for default.yml and the
// profiles, agent packages and Linux post-install script for a team YAML. Secrets stay in env vars.
import { stringify } from 'yaml';
import { profileFileNames } from './profile-file-names';
import { resolveProfileInput } from './resolve-input';
import type { FleetProfileInput } from './types';

/** Expanded by fleetctl gitops from its environment; never write the real values into Git. */
export const CHALLENGE_USERNAME_ENV = '$SMALLSTEP_CHALLENGE_USERNAME';
export const CHALLENGE_PASSWORD_ENV = '$SMALLSTEP_CHALLENGE_PASSWORD';

/** The seed's agent packages; Linux ones run the generated post-install script. */
export const AGENT_PACKAGE_URLS = {
  macos: 'https://packages.smallstep.com/stable/darwin/step-agent-plugin_latest.pkg',
  windowsAmd64: 'https://packages.smallstep.com/stable/windows/step-agent-plugin_latest_amd64.msi',
  debAmd64: 'https://packages.smallstep.com/stable/linux/step-agent-plugin_amd64_latest.deb',
  rpmX86_64: 'https://packages.smallstep.com/stable/linux/step-agent-plugin_x86_64_latest.rpm',
} as const;

export interface FleetGitopsYaml {
  /** Merge into default.yml. */
  defaultYml: string;
  /** Merge into teams/<team>.yml; paths are relative to teams/, files live in lib/. */
  teamYml: string;
  /** Where each generated file goes in the GitOps repository. */
  files: { mobileconfig: string; windowsScep: string; windowsRoot: string; linuxPostInstall: string };
}

const YAML_OPTIONS = { lineWidth: 0 } as const;

export function buildFleetGitopsYaml(input: FleetProfileInput): FleetGitopsYaml {
  const resolved = resolveProfileInput(input);
  const names = profileFileNames(resolved.caName);
  const fromTeam = (file: string) => `../lib/${file}`;
  // A fresh object per package: a shared one would be written as a YAML anchor and alias.
  const script = () => ({ path: fromTeam(names.linuxPostInstall) });

  const defaultYml = stringify(
    {
      org_settings: {
        certificate_authorities: {
          smallstep: [
            {
              name: resolved.caName,
              url: resolved.scepUrl,
              challenge_url: resolved.challengeUrl,
              username: CHALLENGE_USERNAME_ENV,
              password: CHALLENGE_PASSWORD_ENV,
            },
          ],
        },
      },
    },
    YAML_OPTIONS,
  );

  const teamYml = stringify(
    {
      controls: {
        macos_settings: { custom_settings: [{ path: fromTeam(names.mobileconfig) }] },
        windows_settings: {
          custom_settings: [{ path: fromTeam(names.windowsScep) }, { path: fromTeam(names.windowsRoot) }],
        },
      },
      software: {
        packages: [
          { url: AGENT_PACKAGE_URLS.macos },
          { url: AGENT_PACKAGE_URLS.windowsAmd64 },
          { url: AGENT_PACKAGE_URLS.debAmd64, post_install_script: script() },
          { url: AGENT_PACKAGE_URLS.rpmX86_64, post_install_script: script() },
        ],
      },
    },
    YAML_OPTIONS,
  );

  return {
    defaultYml,
    teamYml,
    files: {
      mobileconfig: `lib/${names.mobileconfig}`,
      windowsScep: `lib/${names.windowsScep}`,
      windowsRoot: `lib/${names.windowsRoot}`,
      linuxPostInstall: `lib/${names.linuxPostInstall}`,
    },
  };
}
