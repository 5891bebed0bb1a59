// SCIM bearer tokens (the "Secret Token" an identity provider is given): 256 bits of randomness,
// shown once, stored as SHA-256. Several may be active at once so a provider can be moved to a new
// token before the old one is revoked.
import { z } from 'zod';
import type { Db } from '@/server/db';
import { scimTokens } from '@/server/db/schema';
import { generateToken, hashToken } from '@/lib/tokens';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';

export const SCIM_TOKEN_PREFIX = 'tscim';

export const createScimTokenInput = z.object({
  name: z.string().trim().min(1, 'Give the token a name').max(100, 'Use at most 100 characters'),
});

export async function createScimToken(db: Db, actor: Actor, raw: z.input<typeof createScimTokenInput>) {
  const input = createScimTokenInput.parse(raw);
  const token = generateToken(SCIM_TOKEN_PREFIX);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(scimTokens)
      .values({
        name: input.name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, 12),
        createdById: actor.type === 'user' ? (actor.id ?? null) : null,
        createdByLabel: actor.label,
      })
      .returning();
    await recordAudit(tx, actor, { action: 'scim_token.create', targetType: 'scim_token', targetId: row.id, targetLabel: row.name });
    return { id: row.id, name: row.name, token, prefix: row.prefix, createdAt: row.createdAt };
  });
}
