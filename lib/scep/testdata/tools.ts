// Test-only helpers to run the peer tools (openssl, scepclient, certmonger's scep-submit) on
// files in a throwaway directory.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(prefix = 'tessera-scep-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes files (name -> content) into a new temp dir and returns its path. */
export function withFiles(files: Record<string, string | Uint8Array>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Raw stdout, for binary output. */
  stdoutBytes?: Buffer;
}

/** Runs a command without a shell; never throws for a non-zero exit. */
export function run(command: string, args: string[], options: { cwd?: string; input?: string | Uint8Array } = {}): RunResult {
  const result = spawnSync(command, args, { cwd: options.cwd, input: options.input, timeout: 60_000 });
  return {
    code: result.status ?? -1,
    stdout: result.stdout?.toString() ?? '',
    stdoutBytes: result.stdout ?? Buffer.alloc(0),
    stderr: (result.stderr?.toString() ?? '') + (result.error ? String(result.error) : ''),
  };
}

/** Async variant, needed when the peer talks to an HTTP server running in this same process. */
export function runAsync(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: unknown }).code as number | undefined) ?? -1 : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
}

export function openssl(args: string[], options: { cwd?: string; input?: string | Uint8Array } = {}): RunResult {
  return run('openssl', args, options);
}

export function hasTool(file: string): boolean {
  return fs.existsSync(file);
}
