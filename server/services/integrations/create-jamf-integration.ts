// Connects a Jamf Pro instance for inventory sync: API client credentials (OAuth, preferred) or a
// legacy username/password, stored encrypted.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { integrations } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { conflict, isUniqueViolation } from '../errors';
import { encryptCredentials } from './credentials';
import { httpUrlSchema } from './url';

export const createJamfInput = z.discriminatedUnion('authMethod', [
  z.object({
    authMethod: z.literal('client_credentials'),
    name: z.string().trim().min(1, 'Give the connection a name').max(100),
    url: httpUrlSchema('Enter the Jamf Pro URL, e.g. https://example.jamfcloud.com'),
    clientId: z.string().trim().min(1, 'Enter the API client id').max(500),
    clientSecret: z.string().min(1, 'Enter the API client secret').max(4096),
    syncIntervalMinutes: z.number().int().min(15).max(7 * 24 * 60).default(240),
  }),
  z.object({
    authMethod: z.literal('basic'),
    name: z.string().trim().min(1, 'Give the connection a name').max(100),
    url: httpUrlSchema('Enter the Jamf Pro URL, e.g. https://example.jamfcloud.com'),
    username: z.string().trim().min(1, 'Enter the username').max(500),
    password: z.string().min(1, 'Enter the password').max(4096),
    syncIntervalMinutes: z.number().int().min(15).max(7 * 24 * 60).default(240),
  }),
]);

export async function createJamfIntegration(db: Db, actor: Actor, raw: z.input<typeof createJamfInput>) {
  const input = createJamfInput.parse(raw);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(integrations)
        .values({
          kind: 'jamf',
          name: input.name,
          config: { url: input.url.replace(/\/+$/, ''), authMethod: input.authMethod },
          syncIntervalMinutes: input.syncIntervalMinutes,
        })
        .returning();
      const secret: Record<string, string> =
        input.authMethod === 'basic'
          ? { username: input.username, password: input.password }
          : { clientId: input.clientId, clientSecret: input.clientSecret };
      const [updated] = await tx
        .update(integrations)
        .set({ credentialsEnc: encryptCredentials(row.id, secret) })
        .where(eq(integrations.id, row.id))
        .returning();
      await recordAudit(tx, actor, {
        action: 'integration.create',
        targetType: 'integration',
        targetId: row.id,
        targetLabel: row.name,
        details: { kind: 'jamf', url: input.url, authMethod: input.authMethod },
      });
      return updated;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A connection named "${input.name}" already exists`, 'name');
    throw err;
  }
}
