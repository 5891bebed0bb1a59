// RFC 8555 §6.5: a nonce is good once. The delete-returning is the check, so two instances
// receiving the same nonce at the same moment cannot both accept it.
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { acmeNonces } from '@/server/db/schema';

export async function consumeNonce(db: Db, value: string): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(value)) return false;
  const used = await db
    .delete(acmeNonces)
    .where(and(eq(acmeNonces.value, value), gt(acmeNonces.expiresAt, sql`now()`)))
    .returning({ value: acmeNonces.value });
  return used.length === 1;
}
