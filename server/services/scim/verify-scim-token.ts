// Checks the bearer token of a SCIM request: looked up by its SHA-256, compared in constant time,
// refused when revoked. Every request reads the row (so a revocation applies to the very next
// request, on every instance), and nothing else: last use is written at most once a minute, and
// only when the row read shows it is due, so Entra's calls cost one indexed read each.
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { scimTokens } from '@/server/db/schema';
import { hashToken, safeEqual } from '@/lib/tokens';
import type { Actor } from '../actor';
import { prepareOnce } from './prepared-queries';

export type ScimTokenCheck = { ok: true; actor: Actor } | { ok: false; reason: 'missing' | 'invalid' | 'revoked' };

const LAST_USED_EVERY_MS = 60_000;

const tokenByHash = prepareOnce((db) =>
  db
    .select({ id: scimTokens.id, name: scimTokens.name, tokenHash: scimTokens.tokenHash, revokedAt: scimTokens.revokedAt, lastUsedAt: scimTokens.lastUsedAt })
    .from(scimTokens)
    .where(eq(scimTokens.tokenHash, sql.placeholder('hash')))
    .limit(1)
    .prepare('scim_token_by_hash'),
);

export async function verifyScimToken(db: Db, token: string | null, ip?: string | null): Promise<ScimTokenCheck> {
  if (!token) return { ok: false, reason: 'missing' };
  if (token.length > 200) return { ok: false, reason: 'invalid' };
  const hash = hashToken(token);
  const [row] = await tokenByHash(db).execute({ hash });
  if (!row || !safeEqual(row.tokenHash, hash)) return { ok: false, reason: 'invalid' };
  if (row.revokedAt) return { ok: false, reason: 'revoked' };
  // The stored time is the database's clock; a skewed app clock only makes this write more often,
  // and the condition in the statement still keeps it to once a minute.
  if (!row.lastUsedAt || Math.abs(Date.now() - row.lastUsedAt.getTime()) >= LAST_USED_EVERY_MS) {
    await db
      .update(scimTokens)
      .set({ lastUsedAt: new Date() })
      .where(and(eq(scimTokens.id, row.id), or(isNull(scimTokens.lastUsedAt), lt(scimTokens.lastUsedAt, sql`now() - interval '1 minute'`))));
  }
  return { ok: true, actor: { type: 'scim', id: row.id, label: `scim:${row.name}`, role: 'admin', ip } };
}
