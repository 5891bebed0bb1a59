// Checks the bearer token of a SCIM request: looked up by its SHA-256, compared in constant time,
// refused when revoked. Last use is recorded at most once a minute, not on every one of Entra's calls.
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { scimTokens } from '@/server/db/schema';
import { hashToken, safeEqual } from '@/lib/tokens';
import type { Actor } from '../actor';

export type ScimTokenCheck = { ok: true; actor: Actor } | { ok: false; reason: 'missing' | 'invalid' | 'revoked' };

export async function verifyScimToken(db: Db, token: string | null, ip?: string | null): Promise<ScimTokenCheck> {
  if (!token) return { ok: false, reason: 'missing' };
  if (token.length > 200) return { ok: false, reason: 'invalid' };
  const hash = hashToken(token);
  const [row] = await db.select().from(scimTokens).where(eq(scimTokens.tokenHash, hash)).limit(1);
  if (!row || !safeEqual(row.tokenHash, hash)) return { ok: false, reason: 'invalid' };
  if (row.revokedAt) return { ok: false, reason: 'revoked' };
  await db
    .update(scimTokens)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(scimTokens.id, row.id), or(isNull(scimTokens.lastUsedAt), lt(scimTokens.lastUsedAt, sql`now() - interval '1 minute'`))));
  return { ok: true, actor: { type: 'scim', id: row.id, label: `scim:${row.name}`, role: 'admin', ip } };
}
