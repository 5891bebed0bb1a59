// An Admin invites a person by email (manual self-enrollment): the link is returned once and only
// its hash is kept. The invitee becomes a plain User. A new invitation for the same address
// replaces a pending one (the old link stops working). Refused while password sign-in is off,
// since the invitee would set a password they could not use.
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { invitations, teams, users } from '@/server/db/schema';
import { hashToken } from '@/lib/tokens';
import { emailSchema, personNameSchema } from '@/lib/validation';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { ServiceError, conflict, forbidden } from '../errors';
import { INVITATION_TTL_MS, newInvitationToken } from './invitation-token';

export const createInvitationInput = z.object({
  email: emailSchema,
  name: personNameSchema.optional(),
});
export type CreateInvitationInput = z.input<typeof createInvitationInput>;

export const INVITE_WHILE_SSO_ONLY_MESSAGE =
  'Password sign-in is turned off, so an invited person could not sign in with the password they set. Assign them to Tessera in Microsoft Entra ID instead, or turn password sign-in back on.';

export async function createInvitation(db: Db, actor: Actor, raw: CreateInvitationInput) {
  if (actor.role !== 'admin' && actor.role !== 'owner') throw forbidden('Only Owners and Admins can invite people');
  const input = createInvitationInput.parse(raw);
  const token = newInvitationToken();
  return db.transaction(async (tx) => {
    const [team] = await tx.select().from(teams).limit(1);
    if (!team) throw new ServiceError('PRECONDITION_FAILED', 'Tessera is not set up yet');
    if (!team.passwordSignInEnabled) throw new ServiceError('PRECONDITION_FAILED', INVITE_WHILE_SSO_ONLY_MESSAGE);
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, input.email)).limit(1);
    if (existing) throw conflict(`${input.email} is already a user of your team`, 'email');

    const now = new Date();
    const superseded = await tx
      .update(invitations)
      .set({ revokedAt: now, revokedByLabel: actor.label })
      .where(and(eq(sql`lower(${invitations.email})`, input.email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
      .returning({ id: invitations.id });
    for (const old of superseded) {
      await recordAudit(tx, actor, { action: 'invitation.revoke', targetType: 'invitation', targetId: old.id, targetLabel: input.email, details: { reason: 'superseded' } });
    }

    const [row] = await tx
      .insert(invitations)
      .values({
        email: input.email,
        name: input.name || null,
        tokenHash: hashToken(token),
        createdById: actor.type === 'user' ? (actor.id ?? null) : null,
        createdByLabel: actor.label,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      })
      .returning();
    await recordAudit(tx, actor, {
      action: 'invitation.create',
      targetType: 'invitation',
      targetId: row.id,
      targetLabel: row.email,
      details: { expiresAt: row.expiresAt.toISOString(), replaced: superseded.length },
    });
    return { id: row.id, email: row.email, name: row.name, token, expiresAt: row.expiresAt };
  });
}
