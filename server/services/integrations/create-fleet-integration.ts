// Connects a Fleet instance: stores its API URL and token (encrypted, for inventory sync) and
// generates the credentials Fleet uses to fetch SCEP challenges. The challenge password is
// returned once and stored only as a hash.
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { integrations } from '@/server/db/schema';
import { hashToken } from '@/lib/tokens';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { conflict, isUniqueViolation } from '../errors';
import { encryptCredentials } from './credentials';
import { httpUrlSchema } from './url';

export const caNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_]+$/, 'Use letters, digits and underscores only (Fleet uses it in variable names)');

export const createFleetInput = z.object({
  name: z.string().trim().min(1, 'Give the connection a name').max(100),
  url: httpUrlSchema('Enter the Fleet server URL, e.g. https://fleet.example.com'),
  apiToken: z.string().trim().min(1, 'Enter a Fleet API token').max(4096),
  caName: caNameSchema.default('TESSERA_AGENT'),
  certValidityDays: z.number().int().min(1).max(825).default(365),
  challengeTtlMinutes: z.number().int().min(5).max(24 * 60).default(60),
  syncIntervalMinutes: z.number().int().min(15).max(7 * 24 * 60).default(240),
});

const ALPHANUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export function randomSecret(length: number): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => ALPHANUM[b % ALPHANUM.length]).join('');
}

export async function createFleetIntegration(db: Db, actor: Actor, raw: z.input<typeof createFleetInput>) {
  const input = createFleetInput.parse(raw);
  const challengeUsername = `fleet-${randomSecret(8).toLowerCase()}`;
  const challengePassword = randomSecret(40);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(integrations)
        .values({
          kind: 'fleet',
          name: input.name,
          config: { url: input.url.replace(/\/+$/, '') },
          credentialsEnc: 'pending',
          challengeUsername,
          challengePasswordHash: hashToken(challengePassword),
          caName: input.caName,
          certValidityDays: input.certValidityDays,
          challengeTtlMinutes: input.challengeTtlMinutes,
          syncIntervalMinutes: input.syncIntervalMinutes,
        })
        .returning();
      const credentialsEnc = encryptCredentials(row.id, { apiToken: input.apiToken });
      const [updated] = await tx.update(integrations).set({ credentialsEnc }).where(eq(integrations.id, row.id)).returning();
      await recordAudit(tx, actor, {
        action: 'integration.create',
        targetType: 'integration',
        targetId: row.id,
        targetLabel: row.name,
        details: { kind: 'fleet', url: input.url, caName: input.caName },
      });
      return { integration: updated, challengeUsername, challengePassword };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A connection named "${input.name}" already exists`, 'name');
    throw err;
  }
}
