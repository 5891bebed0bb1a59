import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { apiTokens } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { notFound } from '../errors';

export const revokeApiTokenInput = z.object({ id: z.uuid() });

export async function revokeApiToken(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const [token] = await tx.select().from(apiTokens).where(eq(apiTokens.id, id));
    if (!token) throw notFound('API token');
    if (token.revokedAt) return token;
    const [updated] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .returning();
    await recordAudit(tx, actor, { action: 'api_token.revoke', targetType: 'api_token', targetId: id, targetLabel: token.name });
    return updated;
  });
}
