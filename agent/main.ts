// tessera-agent: the reference device agent for Linux (docs/attestation.md "Agent"). A device-side
// program: it imports pure protocol code from lib/ and nothing from server/ (docs/adr/003).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type AgentFlags } from './config';
import { enroll } from './enroll';
import { AgentError, EXIT } from './errors';
import { STATE_FILES, StateDir, type AgentStatusFile } from './state';
import { AgentTpm } from './tpm';
import { Tpm2Tools } from './tpm2-tools';

const HELP = `Usage: tessera-agent <command> [options]

Proves this machine's TPM to Tessera (TPM attestation + ACME device-attest-01) and stores the
device certificate, whose private key never leaves the TPM.

Commands:
  enroll        Attest the TPM and obtain (or renew) the device certificate
  fingerprint   Print this TPM's EK URI (the device's permanent identifier in Tessera)
  status        Show what the agent holds: certificate, expiry, pending approval, last error
  help          This text

Options:
  --server URL          Tessera's URL (agent.yaml: ca-url)
  --team SLUG           The team slug (agent.yaml: team)
  --fingerprint SHA256  SHA-256 fingerprint of the Tessera Agents root (agent.yaml: fingerprint)
  --config FILE         agent.yaml to read (default: /etc/step-agent/agent.yaml when it exists)
  --state-dir DIR       Where keys and certificates are kept (agent.yaml: state-dir;
                        default /var/lib/tessera-agent as root, else ~/.local/state/tessera-agent)
  --tcti TCTI           How to reach the TPM, e.g. device:/dev/tpmrm0 (agent.yaml: tcti;
                        default: TPM2TOOLS_TCTI or the tpm2-tools default)
  --key-type TYPE       Device key: ecc256 (default) or rsa2048 (agent.yaml: key-type)
  --common-name NAME    CN of the certificate (agent.yaml: common-name; default: the hostname)
  --tls-trust MODE      pinned (default): only the pinned root may vouch for Tessera's HTTPS
                        certificate; system: the system CAs too (agent.yaml: tls-trust)
  --ek-chain FILE       PEM issuers of the EK certificate, if Tessera needs them (agent.yaml: ek-chain)
  --new-key             enroll: make a new device key instead of reusing the current one
  --json                Print one JSON object instead of text
  -h, --help            This text

Environment: TESSERA_AGENT_OWNER_AUTH / TESSERA_AGENT_ENDORSEMENT_AUTH when the TPM's owner or
endorsement hierarchy has a password.

Exit codes: 0 done; 1 unexpected error; 2 usage or configuration; 3 TPM; 4 network, TLS or
fingerprint mismatch; 5 refused by Tessera; 6 the device awaits an administrator's approval.
`;

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      server: { type: 'string' },
      team: { type: 'string' },
      fingerprint: { type: 'string' },
      config: { type: 'string' },
      'state-dir': { type: 'string' },
      tcti: { type: 'string' },
      'key-type': { type: 'string' },
      'common-name': { type: 'string' },
      'tls-trust': { type: 'string' },
      'ek-chain': { type: 'string' },
      'new-key': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function tpmAuthFromEnv() {
  return { owner: process.env.TESSERA_AGENT_OWNER_AUTH || undefined, endorsement: process.env.TESSERA_AGENT_ENDORSEMENT_AUTH || undefined };
}

async function fingerprintCommand(flags: AgentFlags): Promise<Record<string, unknown>> {
  const config = loadConfig(flags);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-agent-'));
  try {
    const tpm = new AgentTpm(new Tpm2Tools({ tcti: config.tcti, cwd: work }), work, tpmAuthFromEnv());
    const ek = await tpm.endorsementKey();
    const certificate = await tpm.endorsementCertificate();
    return { ekUri: ek.ekUri, ekCertificate: certificate !== null, ekPersistent: ek.persistent };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

type DeviceState = 'enrolled' | 'expired' | 'awaiting-approval' | 'not-enrolled';

function statusCommand(flags: AgentFlags): { status: Record<string, unknown>; exitCode: number } {
  const config = loadConfig(flags);
  const file = new StateDir(config.stateDir).readJson<AgentStatusFile>(STATE_FILES.status);
  if (!file) return { status: { state: 'not-enrolled' satisfies DeviceState, stateDir: config.stateDir }, exitCode: EXIT.unexpected };
  const valid = file.certificate ? Date.parse(file.certificate.notAfter) > Date.now() : false;
  const state: DeviceState = file.pendingOrder ? 'awaiting-approval' : valid ? 'enrolled' : file.certificate ? 'expired' : 'not-enrolled';
  const exitCode = state === 'enrolled' ? EXIT.ok : state === 'awaiting-approval' ? EXIT.awaitingApproval : EXIT.unexpected;
  return { status: { state, stateDir: config.stateDir, ...file }, exitCode };
}

function printStatus(s: Record<string, unknown>, io: Io) {
  const f = s as unknown as AgentStatusFile & { state: DeviceState; stateDir: string };
  const lines = [`state:        ${f.state}`, `state dir:    ${f.stateDir}`];
  if (f.server) lines.push(`server:       ${f.server}${f.team ? ` (team ${f.team})` : ''}`);
  if (f.ekUri) lines.push(`EK URI:       ${f.ekUri}`);
  if (f.deviceKey) lines.push(`device key:   ${f.deviceKey.type} at TPM handle ${f.deviceKey.handle}`);
  if (f.certificate) {
    lines.push(`certificate:  ${f.certificate.subject}, serial ${f.certificate.serialHex}`);
    lines.push(`valid until:  ${f.certificate.notAfter}`);
    lines.push(`files:        ${f.certificate.path}, ${f.certificate.chainPath}`);
  }
  if (f.pendingOrder) lines.push(`pending:      order ${f.pendingOrder.url} waits for approval${f.pendingOrder.expires ? ` (until ${f.pendingOrder.expires})` : ''}`);
  if (f.lastAttempt) lines.push(`last run:     ${f.lastAttempt.outcome} at ${f.lastAttempt.at}${f.lastAttempt.error ? `: ${f.lastAttempt.error.message}` : ''}`);
  io.stdout(lines.join('\n') + '\n');
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let json = argv.includes('--json');
  const fail = (err: unknown): number => {
    const e = err instanceof AgentError ? err : new AgentError('unexpected', (err as Error)?.message ?? String(err));
    if (json) {
      io.stdout(JSON.stringify({ ok: false, error: { kind: e.kind, exitCode: e.exitCode, message: e.message, ...(e.details.hint ? { hint: e.details.hint } : {}), ...(e.details.problem ? { problem: e.details.problem } : {}) } }) + '\n');
    } else {
      io.stderr(`tessera-agent: ${e.message}\n`);
      if (e.details.hint) io.stderr(`  hint: ${e.details.hint}\n`);
      if (e.kind === 'unexpected' && !(err instanceof AgentError) && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    }
    return e.exitCode;
  };

  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    return fail(new AgentError('usage', `${(err as Error).message} (see tessera-agent --help)`));
  }
  const { values, positionals } = parsed;
  json = !!values.json;
  const command = positionals[0] ?? (values.help ? 'help' : undefined);
  if (!command || command === 'help' || values.help) {
    io.stdout(HELP);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (positionals.length > 1) return fail(new AgentError('usage', `unexpected argument "${positionals[1]}" (see tessera-agent --help)`));
  const flags: AgentFlags = {
    config: values.config,
    server: values.server,
    team: values.team,
    fingerprint: values.fingerprint,
    stateDir: values['state-dir'],
    tcti: values.tcti,
    keyType: values['key-type'],
    commonName: values['common-name'],
    tlsTrust: values['tls-trust'],
    ekChain: values['ek-chain'],
  };

  try {
    switch (command) {
      case 'enroll': {
        const config = loadConfig(flags);
        if (!json) for (const w of config.warnings) io.stderr(`tessera-agent: warning: ${w}\n`);
        const result = await enroll({ config, newKey: !!values['new-key'], auth: tpmAuthFromEnv(), log: json ? undefined : (line) => io.stderr(`tessera-agent: ${line}\n`) });
        if (json) io.stdout(JSON.stringify({ ok: true, command: 'enroll', ...result, ...(config.warnings.length ? { warnings: config.warnings } : {}) }) + '\n');
        else {
          io.stdout(
            [
              `Enrolled ${result.ekUri}${result.resumedOrder ? ' (finalized the order that waited for approval)' : ''}`,
              `certificate: ${result.certificate.subject}, serial ${result.certificate.serialHex}, valid until ${result.certificate.notAfter}`,
              `files:       ${result.certificate.path} (leaf), ${result.certificate.chainPath} (chain)`,
              `device key:  ${result.deviceKey.type} in the TPM at handle ${result.deviceKey.handle}`,
            ].join('\n') + '\n',
          );
        }
        return EXIT.ok;
      }
      case 'fingerprint': {
        const result = await fingerprintCommand(flags);
        io.stdout(json ? JSON.stringify({ ok: true, command: 'fingerprint', ...result }) + '\n' : `${result.ekUri}\n`);
        return EXIT.ok;
      }
      case 'status': {
        const { status, exitCode } = statusCommand(flags);
        if (json) io.stdout(JSON.stringify({ ok: exitCode === EXIT.ok, command: 'status', ...status }) + '\n');
        else printStatus(status, io);
        return exitCode;
      }
      default:
        return fail(new AgentError('usage', `unknown command "${command}" (commands: enroll, fingerprint, status, help)`));
    }
  } catch (err) {
    return fail(err);
  }
}
