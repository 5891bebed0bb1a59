// Checks a bearer token: looked up by its SHA-256 (the token itself is never stored), compared in
// constant time, refused when revoked or expired. Last use is recorded at most once a minute.
import { and, eq, lt, or, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { apiTokens } from '@/server/db/schema';
import { hashToken, safeEqual } from '@/lib/tokens';
import type { Actor } from '../actor';

export type TokenCheck = { ok: true; actor: Actor } | { ok: false; reason: 'missing' | 'invalid' | 'revoked' | 'expired' };

export async function verifyApiToken(db: Db, token: string | null, ip?: string | null): Promise<TokenCheck> {
  if (!token) return { ok: false, reason: 'missing' };
  if (token.length > 200) return { ok: false, reason: 'invalid' };
  const hash = hashToken(token);
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hash)).limit(1);
  if (!row || !safeEqual(row.tokenHash, hash)) return { ok: false, reason: 'invalid' };
  if (row.revokedAt) return { ok: false, reason: 'revoked' };
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
  await db
    .update(apiTokens)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiTokens.id, row.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`))));
  return { ok: true, actor: { type: 'api_token', id: row.id, label: `api-token:${row.name}`, role: 'admin', ip } };
}
