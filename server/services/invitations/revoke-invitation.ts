// Revoking an invitation makes its link stop working at once. An accepted one cannot be revoked
// (deactivate the user instead).
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { invitations } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { ServiceError, forbidden, notFound } from '../errors';

export const revokeInvitationInput = z.object({ id: z.uuid() });

export async function revokeInvitation(db: Db, actor: Actor, id: string) {
  if (actor.role !== 'admin' && actor.role !== 'owner') throw forbidden('Only Owners and Admins can revoke invitations');
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(invitations).where(eq(invitations.id, id)).for('update');
    if (!row) throw notFound('Invitation');
    if (row.acceptedAt) throw new ServiceError('PRECONDITION_FAILED', `${row.email} already accepted this invitation; deactivate the user instead`);
    if (row.revokedAt) return { id: row.id, email: row.email, revoked: true };
    await tx.update(invitations).set({ revokedAt: new Date(), revokedByLabel: actor.label }).where(eq(invitations.id, id));
    await recordAudit(tx, actor, { action: 'invitation.revoke', targetType: 'invitation', targetId: row.id, targetLabel: row.email });
    return { id: row.id, email: row.email, revoked: true };
  });
}
