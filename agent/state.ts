// The agent's state directory (0700): the pinned root, the ACME account key (0600), the TPM handles
// of the AK and the device key with their public areas, the certificate and its chain, and
// status.json, which `tessera-agent status` reads. Files are replaced atomically (write + rename).
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DeviceKeyType } from './tpm';
import { AgentError, type AgentErrorKind } from './errors';

export const STATE_FILES = {
  root: 'root.pem',
  accountKey: 'account-key.pem',
  tpm: 'tpm.json',
  akChain: 'ak-chain.pem',
  certificate: 'certificate.pem',
  chain: 'chain.pem',
  status: 'status.json',
  lock: 'agent.lock',
} as const;

/** The TPM objects the agent made (tpm.json). Public areas are base64 TPM2B_PUBLIC, to recognise the objects. */
export interface TpmState {
  ekUri?: string;
  akHandle?: number;
  akPublic?: string;
  keyHandle?: number;
  keyPublic?: string;
  keyType?: DeviceKeyType;
}

export interface CertificateSummary {
  serialHex: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the leaf's DER, hex. */
  sha256: string;
  path: string;
  chainPath: string;
  issuedAt: string;
}

export interface AgentStatusFile {
  version: 1;
  server: string;
  team: string | null;
  ekUri: string | null;
  deviceKey?: { handle: string; type: DeviceKeyType; spkiSha256: string };
  certificate?: CertificateSummary;
  /** An order whose finalize waits for an administrator's approval; the next enroll finalizes it. */
  pendingOrder?: { url: string; finalize: string; expires?: string; ekUri: string; keyHandle: string };
  lastAttempt: { at: string; outcome: 'enrolled' | 'awaiting-approval' | 'failed'; error?: { kind: AgentErrorKind; message: string; hint?: string } };
}

/** /var/lib/tessera-agent for root, else $XDG_STATE_HOME/tessera-agent (~/.local/state/tessera-agent). */
export function defaultStateDir(): string {
  if (process.getuid?.() === 0) return '/var/lib/tessera-agent';
  const base = process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'tessera-agent');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class StateDir {
  constructor(readonly dir: string) {}

  get tmpDir(): string {
    return path.join(this.dir, 'tmp');
  }

  path(name: string): string {
    return path.join(this.dir, name);
  }

  ensure(): this {
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      fs.mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
      fs.accessSync(this.dir, fs.constants.W_OK);
    } catch (err) {
      throw new AgentError('usage', `The state directory ${this.dir} cannot be created or written: ${(err as Error).message}`, { hint: 'Pass --state-dir, or run as a user that may write there' });
    }
    return this;
  }

  exists(name: string): boolean {
    return fs.existsSync(this.path(name));
  }

  readText(name: string): string | null {
    try {
      return fs.readFileSync(this.path(name), 'utf8');
    } catch {
      return null;
    }
  }

  readJson<T>(name: string): T | null {
    const text = this.readText(name);
    if (text === null) return null;
    try {
      return JSON.parse(text) as T;
    } catch {
      return null;
    }
  }

  writeText(name: string, text: string, mode = 0o644): void {
    const target = this.path(name);
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text, { mode });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, target);
  }

  writeJson(name: string, value: unknown, mode = 0o644): void {
    this.writeText(name, JSON.stringify(value, null, 2) + '\n', mode);
  }

  /** The ACME account key (ECDSA P-256, PKCS#8 PEM, 0600), created on first use. */
  accountKey(): KeyObject {
    const file = this.path(STATE_FILES.accountKey);
    if (fs.existsSync(file)) {
      if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
      try {
        return createPrivateKey(fs.readFileSync(file));
      } catch (err) {
        throw new AgentError('usage', `The ACME account key ${file} cannot be read: ${(err as Error).message}`, { hint: 'Remove it to start with a new account' });
      }
    }
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.writeText(STATE_FILES.accountKey, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 0o600);
    return privateKey;
  }

  /** One agent at a time per state directory; a lock left by a process that is gone is taken over. */
  lock(): () => void {
    const file = this.path(STATE_FILES.lock);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
        return () => fs.rmSync(file, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = Number(this.readText(STATE_FILES.lock));
        if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) {
          throw new AgentError('usage', `Another tessera-agent (pid ${holder}) is using ${this.dir}; wait for it to finish`);
        }
        fs.rmSync(file, { force: true });
      }
    }
    throw new AgentError('usage', `Cannot lock ${this.dir}`);
  }
}
