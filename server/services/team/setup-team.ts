// First run: creates the team and its first Owner in one transaction. Refuses once a team exists,
// so the setup page and `tessera setup` work exactly once, even when two attempts race.
import { z } from 'zod';
import type { Db } from '@/server/db';
import { teams, users } from '@/server/db/schema';
import { hashPassword } from '@/lib/password';
import { emailSchema, passwordSchema, personNameSchema, slugSchema, teamNameSchema } from '@/lib/validation';
import { recordAudit } from '../audit/record-audit';
import { ServiceError, isUniqueViolation } from '../errors';
import type { Actor } from '../actor';

export const setupTeamInput = z.object({
  teamName: teamNameSchema,
  slug: slugSchema,
  ownerEmail: emailSchema,
  ownerName: personNameSchema.optional(),
  ownerPassword: passwordSchema,
});
export type SetupTeamInput = z.infer<typeof setupTeamInput>;

export class AlreadySetUpError extends ServiceError {
  constructor() {
    super('PRECONDITION_FAILED', 'Tessera is already set up: sign in with an existing account instead.');
  }
}

export async function setupTeam(db: Db, input: SetupTeamInput, via: Pick<Actor, 'type' | 'ip'>) {
  const passwordHash = await hashPassword(input.ownerPassword);
  try {
    return await db.transaction(async (tx) => {
      const existing = await tx.select({ id: teams.id }).from(teams).limit(1);
      if (existing.length) throw new AlreadySetUpError();
      const [team] = await tx.insert(teams).values({ name: input.teamName, slug: input.slug }).returning();
      const [owner] = await tx
        .insert(users)
        .values({ email: input.ownerEmail, name: input.ownerName || null, role: 'owner', passwordHash })
        .returning();
      const actor: Actor = { type: via.type, id: owner.id, label: owner.email, ip: via.ip };
      await recordAudit(tx, actor, {
        action: 'team.setup',
        targetType: 'team',
        targetId: team.id,
        targetLabel: team.name,
        details: { slug: team.slug, owner: owner.email },
      });
      return { team, owner: { id: owner.id, email: owner.email, role: owner.role } };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AlreadySetUpError();
    throw err;
  }
}
