// Runs tpm2-tools against the device's TPM (TCTI from --tcti / agent.yaml, else TPM2TOOLS_TCTI or
// the tools' default). Without a resource manager (swtpm, mssim, /dev/tpm0) every object a tool
// loads stays in one of the TPM's few transient slots, so each run is followed by
// `tpm2_flushcontext -t`; behind a resource manager (/dev/tpmrm0, tpm2-abrmd) that is a no-op.
import { execFile } from 'node:child_process';
import { AgentError } from './errors';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Tpm2ToolsOptions {
  /** e.g. "device:/dev/tpmrm0" or "swtpm:path=/run/swtpm.sock"; unset = the tools' own default. */
  tcti?: string;
  /** Where the tools run (they write context files there). */
  cwd: string;
  timeoutMs?: number;
}

export interface RunOptions {
  /** false: the tool leaves no transient object behind, so no flush is needed afterwards. */
  loadsObjects?: boolean;
}

const TOOL_HINT = 'Install tpm2-tools (Debian/Ubuntu: apt-get install tpm2-tools)';

function lastLines(text: string, n = 4): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-n)
    .join(' | ');
}

export class Tpm2Tools {
  constructor(private readonly options: Tpm2ToolsOptions) {}

  get tcti(): string | undefined {
    return this.options.tcti ?? process.env.TPM2TOOLS_TCTI;
  }

  private exec(tool: string, args: string[], input?: Uint8Array): Promise<ToolResult> {
    const env = { ...process.env, ...(this.options.tcti ? { TPM2TOOLS_TCTI: this.options.tcti } : {}) };
    return new Promise((resolve, reject) => {
      const child = execFile(tool, args, { cwd: this.options.cwd, env, timeout: this.options.timeoutMs ?? 120_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new AgentError('tpm', `${tool} was not found`, { hint: TOOL_HINT }));
          return;
        }
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
      child.stdin?.end(input ? Buffer.from(input) : undefined);
    });
  }

  /**
   * Runs a tool, then flushes transient objects unless the caller knows it loads none (it only
   * names persistent handles, NV indices or sessions). Never throws for a non-zero exit.
   */
  async run(tool: string, args: string[], input?: Uint8Array, options: RunOptions = {}): Promise<ToolResult> {
    try {
      return await this.exec(tool, args, input);
    } finally {
      if (options.loadsObjects !== false) await this.exec('tpm2_flushcontext', ['-t']).catch(() => undefined);
    }
  }

  /** Runs a tool and turns a failure into an AgentError naming what the agent was doing. */
  async must(what: string, tool: string, args: string[], input?: Uint8Array, options: RunOptions = {}): Promise<ToolResult> {
    const r = await this.run(tool, args, input, options);
    if (r.code !== 0) throw this.failure(what, tool, r);
    return r;
  }

  failure(what: string, tool: string, r: ToolResult): AgentError {
    const detail = lastLines(r.stderr || r.stdout) || `exit code ${r.code}`;
    const tctiProblem = /tcti|Could not load|Failed to initialize|No such file or directory.*tpm|Connection refused/i.test(r.stderr);
    return new AgentError('tpm', `TPM: ${what} failed (${tool}): ${detail}`, {
      hint: tctiProblem
        ? `The TPM is not reachable${this.tcti ? ` through TCTI "${this.tcti}"` : ''}: pass --tcti (e.g. device:/dev/tpmrm0) and check the permissions of the device (group tss)`
        : undefined,
    });
  }
}
