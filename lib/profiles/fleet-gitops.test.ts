import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AGENT_PACKAGE_URLS, buildFleetGitopsYaml } from './fleet-gitops';
import { profileFileNames } from './profile-file-names';
import { fleetProfileInput, HOSTILE_TEAM_NAME } from './testdata/fixtures';

describe('buildFleetGitopsYaml', () => {
  const gitops = buildFleetGitopsYaml(fleetProfileInput());

  it('declares the CA for default.yml with env references for the challenge credentials', () => {
    expect(parse(gitops.defaultYml)).toEqual({
      org_settings: {
        certificate_authorities: {
          smallstep: [
            {
              name: 'TESSERA_AGENT',
              url: 'https://tessera.example.com/scep/int-123',
              challenge_url: 'https://tessera.example.com/webhook/int-123/challenge',
              username: '$SMALLSTEP_CHALLENGE_USERNAME',
              password: '$SMALLSTEP_CHALLENGE_PASSWORD',
            },
          ],
        },
      },
    });
    // Unquoted, as the seed writes them, so fleetctl's env expansion sees plain $NAME.
    expect(gitops.defaultYml).toContain('username: $SMALLSTEP_CHALLENGE_USERNAME\n');
    expect(gitops.defaultYml).toContain('password: $SMALLSTEP_CHALLENGE_PASSWORD\n');
  });

  it('points the team at the profiles and the agent packages', () => {
    const names = profileFileNames('TESSERA_AGENT');
    const team = parse(gitops.teamYml);
    expect(team.controls).toEqual({
      macos_settings: { custom_settings: [{ path: `../lib/${names.mobileconfig}` }] },
      windows_settings: {
        custom_settings: [{ path: `../lib/${names.windowsScep}` }, { path: `../lib/${names.windowsRoot}` }],
      },
    });
    const script = { path: `../lib/${names.linuxPostInstall}` };
    expect(team.software.packages).toEqual([
      { url: AGENT_PACKAGE_URLS.macos },
      { url: AGENT_PACKAGE_URLS.windowsAmd64 },
      { url: AGENT_PACKAGE_URLS.debAmd64, post_install_script: script },
      { url: AGENT_PACKAGE_URLS.rpmX86_64, post_install_script: script },
    ]);
    // No YAML anchors/aliases: fleetctl handles them, but people editing the file should not have to.
    expect(gitops.teamYml).not.toMatch(/[&*]a\d/);
  });

  it('lists where each generated file goes, matching the team paths', () => {
    expect(gitops.files).toEqual({
      mobileconfig: 'lib/tessera-TESSERA_AGENT.mobileconfig',
      windowsScep: 'lib/tessera-TESSERA_AGENT-scep.xml',
      windowsRoot: 'lib/tessera-TESSERA_AGENT-root-ca.xml',
      linuxPostInstall: 'lib/tessera-TESSERA_AGENT-agent-setup.sh',
    });
    for (const file of Object.values(gitops.files)) expect(gitops.teamYml).toContain(`../${file}`);
  });

  it('holds no secrets and no team name, and is deterministic', () => {
    const other = buildFleetGitopsYaml(fleetProfileInput({ teamName: HOSTILE_TEAM_NAME }));
    expect(other).toEqual(gitops);
    expect(buildFleetGitopsYaml(fleetProfileInput())).toEqual(gitops);
  });

  it('quotes URLs that YAML would otherwise misread', () => {
    const odd = buildFleetGitopsYaml(
      fleetProfileInput({ scepUrl: 'https://t.example.com/scep/a #b', challengeUrl: 'https://t.example.com/w?x=1&y=*z' }),
    );
    const [ca] = parse(odd.defaultYml).org_settings.certificate_authorities.smallstep;
    expect(ca.url).toBe('https://t.example.com/scep/a #b');
    expect(ca.challenge_url).toBe('https://t.example.com/w?x=1&y=*z');
  });
});
