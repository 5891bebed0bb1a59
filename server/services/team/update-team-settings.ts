// Team name, slug, the device approval policy that the inventory services consult, and what
// deprovisioning a user does to their devices.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { deprovisionActions, teams } from '@/server/db/schema';
import { slugSchema, teamNameSchema } from '@/lib/validation';
import { recordAudit } from '../audit/record-audit';
import { ServiceError } from '../errors';
import type { Actor } from '../actor';

export const updateTeamSettingsInput = z
  .object({
    name: teamNameSchema,
    slug: slugSchema,
    requireApprovalSelfEnrolled: z.boolean(),
    requireApprovalMdm: z.boolean(),
    idpSelfEnrollment: z.boolean(),
    deprovisionAction: z.enum(deprovisionActions, { error: 'Choose review or revoke' }),
  })
  .partial();
export type UpdateTeamSettingsInput = z.infer<typeof updateTeamSettingsInput>;

export async function updateTeamSettings(db: Db, actor: Actor, raw: UpdateTeamSettingsInput) {
  // Parsed here too: the CLI and tests call the service without tRPC's input validation.
  const input = updateTeamSettingsInput.parse(raw);
  return db.transaction(async (tx) => {
    const [team] = await tx.select().from(teams).limit(1).for('update');
    if (!team) throw new ServiceError('PRECONDITION_FAILED', 'Tessera is not set up yet');
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [k, v] of Object.entries(input) as [keyof typeof team, unknown][]) {
      if (v !== undefined && team[k] !== v) changes[k] = { from: team[k], to: v };
    }
    if (!Object.keys(changes).length) return team;
    const [updated] = await tx
      .update(teams)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(teams.id, team.id))
      .returning();
    await recordAudit(tx, actor, {
      action: 'team.settings.update',
      targetType: 'team',
      targetId: team.id,
      targetLabel: updated.name,
      details: { changes },
    });
    return updated;
  });
}
