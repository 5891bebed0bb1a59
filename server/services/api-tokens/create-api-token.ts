// API tokens for the REST API: 256 bits of randomness, shown once, stored as SHA-256.
import { z } from 'zod';
import type { Db } from '@/server/db';
import { apiTokens } from '@/server/db/schema';
import { generateToken, hashToken } from '@/lib/tokens';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';

export const TOKEN_PREFIX = 'tsr';

export const createApiTokenInput = z.object({
  name: z.string().trim().min(1, 'Give the token a name').max(100, 'Use at most 100 characters'),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

/** Parses "30d", "12h", "90" (days) into days; used by the CLI's --expires-in. */
export function parseExpiresIn(value: string): number {
  const m = /^(\d+)\s*(d|days?|w|weeks?|y|years?)?$/i.exec(value.trim());
  if (!m) throw new Error(`--expires-in takes a number of days such as 30d, 12w or 1y (got "${value}")`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 'd').toLowerCase()[0];
  return unit === 'w' ? n * 7 : unit === 'y' ? n * 365 : n;
}

export async function createApiToken(db: Db, actor: Actor, raw: z.input<typeof createApiTokenInput>) {
  const input = createApiTokenInput.parse(raw);
  const token = generateToken(TOKEN_PREFIX);
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        name: input.name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, 10),
        createdById: actor.type === 'user' ? (actor.id ?? null) : null,
        createdByLabel: actor.label,
        expiresAt,
      })
      .returning();
    await recordAudit(tx, actor, {
      action: 'api_token.create',
      targetType: 'api_token',
      targetId: row.id,
      targetLabel: row.name,
      details: { expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { id: row.id, name: row.name, token, prefix: row.prefix, expiresAt: row.expiresAt, createdAt: row.createdAt };
  });
}
