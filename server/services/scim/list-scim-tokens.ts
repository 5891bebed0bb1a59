// SCIM tokens for the console and CLI, newest first; never the secret.
import { desc } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { scimTokens } from '@/server/db/schema';

export async function listScimTokens(db: Db) {
  const rows = await db
    .select({
      id: scimTokens.id,
      name: scimTokens.name,
      prefix: scimTokens.prefix,
      createdByLabel: scimTokens.createdByLabel,
      createdAt: scimTokens.createdAt,
      revokedAt: scimTokens.revokedAt,
      lastUsedAt: scimTokens.lastUsedAt,
    })
    .from(scimTokens)
    .orderBy(desc(scimTokens.createdAt))
    .limit(200);
  return rows.map((r) => ({ ...r, status: r.revokedAt ? ('revoked' as const) : ('active' as const) }));
}
