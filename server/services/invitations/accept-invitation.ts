// The invitee sets a password (the same rules as the first Owner's) and gets a plain User account.
// The invitation is claimed with a conditional update inside the same transaction as the user is
// created, so a link works exactly once even when two tabs submit at the same time.
import { and, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { invitations, teams, users } from '@/server/db/schema';
import { hashPassword } from '@/lib/password';
import { passwordSchema, personNameSchema } from '@/lib/validation';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { ServiceError, conflict, isUniqueViolation } from '../errors';
import { invitationByToken } from './find-invitation';
import { invitationStatus } from './invitation-token';

export const acceptInvitationInput = z.object({
  token: z.string().max(200),
  password: passwordSchema,
  name: personNameSchema.optional(),
});

const STATE_MESSAGES = {
  invalid: 'This invitation link is not valid. Check that you copied all of it, or ask your administrator for a new one.',
  accepted: 'This invitation has already been used. Sign in with the password you set.',
  expired: 'This invitation has expired. Ask your administrator for a new one.',
  revoked: 'This invitation was withdrawn. Ask your administrator for a new one.',
} as const;

export const PASSWORD_SIGN_IN_OFF_FOR_INVITE =
  'Your team signs in with Microsoft Entra ID only, so an invitation cannot be accepted with a password. Ask your administrator to give you access through Entra ID.';

export async function acceptInvitation(db: Db, raw: z.input<typeof acceptInvitationInput>, ip?: string | null) {
  const input = acceptInvitationInput.parse(raw);
  const row = await invitationByToken(db, input.token);
  if (!row) throw new ServiceError('NOT_FOUND', STATE_MESSAGES.invalid);
  const state = invitationStatus(row);
  if (state !== 'pending') throw new ServiceError('PRECONDITION_FAILED', STATE_MESSAGES[state]);
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const [team] = await tx.select({ passwordSignInEnabled: teams.passwordSignInEnabled }).from(teams).limit(1);
      if (team && !team.passwordSignInEnabled) throw new ServiceError('PRECONDITION_FAILED', PASSWORD_SIGN_IN_OFF_FOR_INVITE);
      const now = new Date();
      const [claimed] = await tx
        .update(invitations)
        .set({ acceptedAt: now })
        .where(and(eq(invitations.id, row.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
        .returning();
      if (!claimed) throw new ServiceError('PRECONDITION_FAILED', STATE_MESSAGES.accepted);
      const [user] = await tx
        .insert(users)
        .values({ email: row.email, name: input.name || row.name || null, role: 'user', passwordHash })
        .returning({ id: users.id, email: users.email, name: users.name, role: users.role });
      await tx.update(invitations).set({ acceptedUserId: user.id }).where(eq(invitations.id, row.id));
      const actor: Actor = { type: 'user', id: user.id, label: user.email, role: 'user', ip };
      await recordAudit(tx, actor, { action: 'invitation.accept', targetType: 'invitation', targetId: row.id, targetLabel: row.email });
      await recordAudit(tx, actor, {
        action: 'user.create',
        targetType: 'user',
        targetId: user.id,
        targetLabel: user.email,
        details: { role: 'user', via: 'invitation', invitedBy: row.createdByLabel },
      });
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`An account for ${row.email} already exists. Sign in instead, or ask your administrator.`);
    throw err;
  }
}
