// Environment configuration, parsed once with zod. A missing or malformed variable stops start-up
// with a message that names it. Every variable is documented in docs/configuration.md.
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  TESSERA_DATA_DIR: z.string().min(1).default('.tessera'),
  TESSERA_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  TESSERA_URL: z.url('must be an absolute URL such as https://tessera.example.com').optional(),
  TESSERA_DISABLE_SCHEDULER: bool.optional(),
  TESSERA_TRUST_PROXY: bool.optional(),
  CRON_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // Replaces the Apple Enterprise Attestation Root CA for ACME `apple` attestations (tests, labs).
  TESSERA_APPLE_ATTESTATION_ROOTS_PEM: z
    .string()
    .refine((v) => v.trim() === '' || v.includes('-----BEGIN CERTIFICATE-----'), 'must hold one or more PEM certificates')
    .optional(),
});

export type Env = z.infer<typeof schema> & { dataDir: string; embedded: boolean };

export class EnvError extends Error {}

let cached: Env | undefined;

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid Tessera configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === 'production' && env.DATABASE_URL && !env.TESSERA_SECRET) {
    throw new EnvError(
      'Invalid Tessera configuration:\n  TESSERA_SECRET: required in production with DATABASE_URL ' +
        '(every instance must share it; generate one with `openssl rand -base64 32`)',
    );
  }
  return {
    ...env,
    dataDir: path.resolve(env.TESSERA_DATA_DIR),
    embedded: !env.DATABASE_URL,
  };
}

export function env(): Env {
  cached ??= readEnv();
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = undefined;
}
