// Revoking a SCIM token stops the identity provider using it at once (the next request is 401).
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { scimTokens } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { notFound } from '../errors';

export const revokeScimTokenInput = z.object({ id: z.uuid() });

export async function revokeScimToken(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const [token] = await tx.select().from(scimTokens).where(eq(scimTokens.id, id)).for('update');
    if (!token) throw notFound('SCIM token');
    if (token.revokedAt) return token;
    const [updated] = await tx
      .update(scimTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(scimTokens.id, id), isNull(scimTokens.revokedAt)))
      .returning();
    await recordAudit(tx, actor, { action: 'scim_token.revoke', targetType: 'scim_token', targetId: id, targetLabel: token.name });
    return updated;
  });
}
