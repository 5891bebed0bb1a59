import { desc } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { apiTokens } from '@/server/db/schema';

export async function listApiTokens(db: Db) {
  const rows = await db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdByLabel: apiTokens.createdByLabel,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .orderBy(desc(apiTokens.createdAt))
    .limit(500);
  const now = Date.now();
  return rows.map((r) => ({
    ...r,
    status: r.revokedAt ? ('revoked' as const) : r.expiresAt && r.expiresAt.getTime() <= now ? ('expired' as const) : ('active' as const),
  }));
}
