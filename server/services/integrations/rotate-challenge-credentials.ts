import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { integrations } from '@/server/db/schema';
import { hashToken } from '@/lib/tokens';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { notFound } from '../errors';
import { randomSecret } from './create-fleet-integration';

/** New challenge password for Fleet's webhook; the old one stops working at once. */
export async function rotateChallengeCredentials(db: Db, actor: Actor, integrationId: string) {
  const password = randomSecret(40);
  const [row] = await db
    .update(integrations)
    .set({ challengePasswordHash: hashToken(password), updatedAt: new Date() })
    .where(eq(integrations.id, integrationId))
    .returning();
  if (!row) throw notFound('Integration');
  await recordAudit(db, actor, { action: 'integration.challenge.rotate', targetType: 'integration', targetId: row.id, targetLabel: row.name });
  return { challengeUsername: row.challengeUsername!, challengePassword: password };
}
