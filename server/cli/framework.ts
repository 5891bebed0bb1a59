// A small command framework: typed flags via node:util parseArgs, --help for every command,
// --json output, and errors printed as one clear line with a non-zero exit code.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ZodError } from 'zod';
import { ServiceError } from '@/server/services/errors';

export type Flags = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  name: string; // e.g. "user create"
  summary: string;
  usage: string;
  flags: Flags;
  run(args: Record<string, string | boolean | undefined>, io: Io): Promise<unknown>;
  /** Human output for a result; --json prints the result itself. */
  print?(result: unknown, io: Io): void;
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
  readStdin(): Promise<string>;
}

export class CliError extends Error {}

export const nodeIo: Io = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  readStdin: async () => {
    if (process.stdin.isTTY) throw new CliError('Expected the secret on standard input (pipe it in, e.g. `printf %s "$PW" | ...`)');
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  },
};

export function describeError(err: unknown): string {
  if (err instanceof ZodError) {
    return err.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
  }
  if (err instanceof ServiceError || err instanceof CliError) return err.message;
  const e = err as Error & { code?: string };
  if (e?.name === 'DatabaseLockedError' || e?.name === 'EnvError') return e.message;
  if (e?.code === 'ECONNREFUSED') return `Cannot reach the database: ${e.message}`;
  return e?.message ?? String(err);
}

export async function runCommands(commands: Command[], argv: string[], io: Io = nodeIo): Promise<number> {
  const help = () => {
    io.out('Usage: tessera <command> [options]\n\nCommands:');
    const w = Math.max(...commands.map((c) => c.name.length));
    for (const c of commands) io.out(`  ${c.name.padEnd(w)}  ${c.summary}`);
    io.out('\nRun `tessera <command> --help` for its options. Every command accepts --json.');
  };
  if (!argv.length || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    help();
    return argv.length ? 0 : 1;
  }
  // Longest command name that prefixes argv ("user create" before "user").
  const match = commands
    .filter((c) => c.name.split(' ').every((w, i) => argv[i] === w))
    .sort((a, b) => b.name.length - a.name.length)[0];
  if (!match) {
    io.err(`tessera: unknown command "${argv.slice(0, 2).join(' ')}". Run \`tessera --help\`.`);
    return 2;
  }
  const rest = argv.slice(match.name.split(' ').length);
  const options: Flags = { ...match.flags, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (err) {
    io.err(`tessera ${match.name}: ${(err as Error).message}\nUsage: ${match.usage}`);
    return 2;
  }
  if (values.help) {
    io.out(`${match.summary}\n\nUsage: ${match.usage}\n\nOptions:`);
    for (const [k, v] of Object.entries(options)) io.out(`  --${k}${v.type === 'string' ? ' <value>' : ''}`);
    return 0;
  }
  try {
    const result = await match.run(values, io);
    if (values.json) io.out(JSON.stringify(result, null, 2));
    else if (match.print) match.print(result, io);
    else io.out(typeof result === 'string' ? result : JSON.stringify(result, null, 2));
    return 0;
  } catch (err) {
    const msg = describeError(err);
    if (values.json) io.out(JSON.stringify({ error: msg }));
    io.err(`tessera ${match.name}: ${msg}`);
    return 1;
  }
}

export function required(args: Record<string, unknown>, name: string): string {
  const v = args[name];
  if (typeof v !== 'string' || !v) throw new CliError(`--${name} is required`);
  return v;
}
