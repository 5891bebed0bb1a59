// The agent's settings: agent.yaml (the file Tessera generates for Linux, lib/profiles/linux-agent:
// team, fingerprint, ca-url; the agent also reads the optional keys below), then command-line flags,
// which win. Without --config, /etc/step-agent/agent.yaml is read when it exists.
import fs from 'node:fs';
import os from 'node:os';
import { parse } from 'yaml';
import { LINUX_AGENT_CONFIG_FILE } from '@/lib/profiles/linux-agent';
import { AgentError } from './errors';
import type { TlsTrust } from './pinned-http';
import { defaultStateDir } from './state';
import { DEVICE_KEY_TYPES, type DeviceKeyType } from './tpm';

export interface AgentFlags {
  config?: string;
  server?: string;
  team?: string;
  fingerprint?: string;
  stateDir?: string;
  tcti?: string;
  keyType?: string;
  commonName?: string;
  tlsTrust?: string;
  ekChain?: string;
}

export interface AgentConfig {
  /** The file read, or null. */
  configFile: string | null;
  server: string | null;
  team: string | null;
  fingerprint: string | null;
  stateDir: string;
  tcti?: string;
  keyType: DeviceKeyType;
  commonName: string;
  tlsTrust: TlsTrust;
  /** PEM file with the EK certificate's issuing CAs, when the TPM's vendor needs them. */
  ekChainFile?: string;
  /** Unknown keys in agent.yaml, reported but not fatal (a newer Tessera may add some). */
  warnings: string[];
}

/** agent.yaml keys → flag names. */
const YAML_KEYS = {
  'ca-url': 'server',
  team: 'team',
  fingerprint: 'fingerprint',
  'state-dir': 'stateDir',
  tcti: 'tcti',
  'key-type': 'keyType',
  'common-name': 'commonName',
  'tls-trust': 'tlsTrust',
  'ek-chain': 'ekChain',
} as const satisfies Record<string, keyof AgentFlags>;

function readYaml(file: string): { values: AgentFlags; warnings: string[] } {
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AgentError('usage', `The configuration file ${file} does not exist`);
    if (code === 'EACCES') throw new AgentError('usage', `The configuration file ${file} cannot be read (permission denied)`);
    throw new AgentError('usage', `${file} is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return { values: {}, warnings: [] };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new AgentError('usage', `${file} must be a map of settings (team, fingerprint, ca-url)`);
  const values: AgentFlags = {};
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const flag = (YAML_KEYS as Record<string, keyof AgentFlags>)[key];
    if (!flag) {
      warnings.push(`${file}: unknown setting "${key}" ignored`);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number') throw new AgentError('usage', `${file}: "${key}" must be a string`);
    values[flag] = String(value);
  }
  return { values, warnings };
}

export function loadConfig(flags: AgentFlags): AgentConfig {
  const file = flags.config ?? (fs.existsSync(LINUX_AGENT_CONFIG_FILE) ? LINUX_AGENT_CONFIG_FILE : null);
  const fromFile = file ? readYaml(file) : { values: {} as AgentFlags, warnings: [] };
  const pick = <K extends keyof AgentFlags>(k: K): string | undefined => {
    const v = flags[k] ?? fromFile.values[k];
    return v === undefined || v === '' ? undefined : v;
  };

  const keyType = pick('keyType') ?? 'ecc256';
  if (!DEVICE_KEY_TYPES.includes(keyType as DeviceKeyType)) throw new AgentError('usage', `--key-type must be one of ${DEVICE_KEY_TYPES.join(', ')}, not "${keyType}"`);
  const tlsTrust = pick('tlsTrust') ?? 'pinned';
  if (tlsTrust !== 'pinned' && tlsTrust !== 'system') throw new AgentError('usage', `--tls-trust must be "pinned" or "system", not "${tlsTrust}"`);
  const commonName = pick('commonName') ?? os.hostname();
  if (commonName.length > 64) throw new AgentError('usage', '--common-name is at most 64 characters');

  return {
    configFile: file,
    server: pick('server')?.replace(/\/+$/, '') ?? null,
    team: pick('team') ?? null,
    fingerprint: pick('fingerprint') ?? null,
    stateDir: pick('stateDir') ?? defaultStateDir(),
    tcti: pick('tcti'),
    keyType: keyType as DeviceKeyType,
    commonName,
    tlsTrust,
    ekChainFile: pick('ekChain'),
    warnings: fromFile.warnings,
  };
}

/** The settings enroll cannot do without; says which flag or agent.yaml key is missing. */
export function requireEnrollSettings(config: AgentConfig): { server: string; fingerprint: string } {
  const missing: string[] = [];
  if (!config.server) missing.push('--server (agent.yaml: ca-url)');
  if (!config.fingerprint) missing.push('--fingerprint (agent.yaml: fingerprint)');
  if (missing.length) {
    throw new AgentError('usage', `enroll needs ${missing.join(' and ')}${config.configFile ? ` (read ${config.configFile})` : ''}`, {
      hint: 'Both are on the Tessera console: Certificates → Authorities shows the Agents root fingerprint',
    });
  }
  return { server: config.server!, fingerprint: config.fingerprint! };
}
