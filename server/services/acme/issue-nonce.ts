// RFC 8555 §7.2: a fresh Replay-Nonce, stored so any instance can accept it once. Expired nonces
// are pruned a few hundred at a time by a small share of the requests that issue new ones.
import { randomBytes, randomInt } from 'node:crypto';
import { inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { acmeNonces } from '@/server/db/schema';

export const NONCE_LIFETIME_MS = 3600_000;
const PRUNE_ONE_IN = 32;
const PRUNE_BATCH = 500;

export async function issueNonce(db: Db): Promise<string> {
  const value = randomBytes(16).toString('base64url');
  await db.insert(acmeNonces).values({ value, expiresAt: new Date(Date.now() + NONCE_LIFETIME_MS) });
  if (randomInt(PRUNE_ONE_IN) === 0) await pruneNonces(db);
  return value;
}

export async function pruneNonces(db: Db): Promise<void> {
  const stale = db.select({ value: acmeNonces.value }).from(acmeNonces).where(lt(acmeNonces.expiresAt, sql`now()`)).limit(PRUNE_BATCH);
  await db.delete(acmeNonces).where(inArray(acmeNonces.value, stale));
}
