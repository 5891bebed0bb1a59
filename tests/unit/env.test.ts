import { describe, expect, it } from 'vitest';
import { readEnv } from '@/lib/env';

describe('environment parsing', () => {
  it('defaults to the embedded database in ./.tessera', () => {
    const e = readEnv({});
    expect(e.embedded).toBe(true);
    expect(e.dataDir.endsWith('.tessera')).toBe(true);
  });
  it('names the variable that is wrong', () => {
    expect(() => readEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => readEnv({ TESSERA_SECRET: 'short' })).toThrow(/TESSERA_SECRET: must be at least 32/);
    expect(() => readEnv({ TESSERA_URL: 'not a url' })).toThrow(/TESSERA_URL/);
  });
  it('requires TESSERA_SECRET in production with PostgreSQL', () => {
    expect(() => readEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://h/db' })).toThrow(/TESSERA_SECRET: required/);
    expect(readEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://h/db', TESSERA_SECRET: 'x'.repeat(32) }).embedded).toBe(false);
  });
});
