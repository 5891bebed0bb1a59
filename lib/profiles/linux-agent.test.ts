import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildLinuxAgentYaml, buildLinuxPostInstallScript, LINUX_AGENT_CONFIG_DIR } from './linux-agent';
import { fleetProfileInput, ROOT_SHA256_HEX } from './testdata/fixtures';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-linux-agent-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const shells = ['sh', 'dash', 'bash'].filter((shell) => spawnSync(shell, ['-c', 'exit 0']).status === 0);

interface Run {
  status: number | null;
  stderr: string;
  configDir: string;
  systemctlCalls: string[];
}

// Runs the script with the config directory moved into scratch and systemctl stubbed.
function runScript(script: string, shell = 'sh', systemctlStatus = 0): Run {
  const dir = fs.mkdtempSync(path.join(scratch, 'run-'));
  const configDir = path.join(dir, 'etc', 'step-agent');
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const log = path.join(dir, 'systemctl.log');
  fs.writeFileSync(path.join(bin, 'systemctl'), `#!/bin/sh\necho "$*" >> "${log}"\nexit ${systemctlStatus}\n`, { mode: 0o755 });
  const relocated = script.replace(`config_dir=${LINUX_AGENT_CONFIG_DIR}\n`, `config_dir=${configDir}\n`);
  expect(relocated).not.toBe(script);
  const file = path.join(dir, 'setup.sh');
  fs.writeFileSync(file, relocated);
  const result = spawnSync(shell, [file], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    encoding: 'utf8',
  });
  return {
    status: result.status,
    stderr: result.stderr,
    configDir,
    systemctlCalls: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [],
  };
}

describe('buildLinuxAgentYaml', () => {
  it('writes the team slug, the root fingerprint and Tessera’s URL', () => {
    const text = buildLinuxAgentYaml(fleetProfileInput({ tesseraUrl: 'https://tessera.example.com/' }));
    expect(parse(text)).toEqual({
      team: 'acme',
      fingerprint: ROOT_SHA256_HEX,
      'ca-url': 'https://tessera.example.com',
    });
    expect(text).toBe(
      `team: "acme"\nfingerprint: "${ROOT_SHA256_HEX}"\nca-url: "https://tessera.example.com"\n`,
    );
  });

  it('keeps every value on one line whatever the slug holds', () => {
    const slug = 'a"b\nTESSERA_AGENT_YAML\n#c: d';
    const text = buildLinuxAgentYaml(fleetProfileInput({ teamSlug: slug }));
    expect(text.trimEnd().split('\n')).toHaveLength(3);
    expect(parse(text).team).toBe(slug);
  });
});

describe('buildLinuxPostInstallScript', () => {
  const script = buildLinuxPostInstallScript(fleetProfileInput());

  it('is a POSIX sh script that stops on the first error', () => {
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toMatch(/^set -eu$/m);
    expect(script).not.toMatch(/\bbash\b|\[\[|function /);
  });

  it.each(shells)('passes %s -n', (shell) => {
    const file = path.join(scratch, `syntax-${shell}.sh`);
    fs.writeFileSync(file, script);
    const result = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('embeds exactly the agent.yaml generator’s output in a quoted heredoc', () => {
    expect(script).toContain(`<<'TESSERA_AGENT_YAML'\n${buildLinuxAgentYaml(fleetProfileInput())}TESSERA_AGENT_YAML\n`);
  });

  it.each(shells)('writes agent.yaml with 0755/0644 modes and starts the agent (%s)', (shell) => {
    const run = runScript(script, shell);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const config = path.join(run.configDir, 'agent.yaml');
    expect(fs.readFileSync(config, 'utf8')).toBe(buildLinuxAgentYaml(fleetProfileInput()));
    expect(fs.statSync(run.configDir).mode & 0o777).toBe(0o755);
    expect(fs.statSync(config).mode & 0o777).toBe(0o644);
    expect(fs.readdirSync(run.configDir)).toEqual(['agent.yaml']);
    expect(run.systemctlCalls).toEqual(['daemon-reload', 'enable step-agent', 'restart step-agent']);
  });

  it('fails when systemctl fails', () => {
    const run = runScript(script, 'sh', 3);
    expect(run.status).not.toBe(0);
    expect(run.systemctlCalls).toEqual(['daemon-reload']);
  });

  it('writes a hostile slug literally, without running any of it', () => {
    const marker = path.join(scratch, 'pwned');
    const slug = `x"$(touch ${marker})\`touch ${marker}\`'\nTESSERA_AGENT_YAML\ntouch ${marker}\n$HOME`;
    const run = runScript(buildLinuxPostInstallScript(fleetProfileInput({ teamSlug: slug })));
    expect(run.status).toBe(0);
    expect(fs.existsSync(marker)).toBe(false);
    expect(parse(fs.readFileSync(path.join(run.configDir, 'agent.yaml'), 'utf8')).team).toBe(slug);
  });

  it('is deterministic', () => {
    expect(buildLinuxPostInstallScript(fleetProfileInput())).toBe(script);
  });
});
