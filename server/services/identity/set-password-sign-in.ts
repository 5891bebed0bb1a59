// Turns local password sign-in off (SSO only) or back on. Off is refused unless Entra ID is
// connected and SSO demonstrably works for an Owner: the acting Owner is signed in through it right
// now, or an active Owner has signed in through it since its settings were last saved. Turning it
// back on has no precondition: it is also the break-glass path (`tessera auth password-signin enable`).
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { identityProviders, teams } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { ServiceError, forbidden } from '../errors';
import { NO_IDP_MESSAGE, NO_SSO_OWNER_MESSAGE, activeSsoOwners, getPasswordSignInStatus } from './get-password-sign-in-status';

export const setPasswordSignInInput = z.object({ enabled: z.boolean() });

export interface PasswordSignInContext {
  /** How the acting person signed in to the session making this change. */
  signInMethod?: 'password' | 'entra';
}

export async function setPasswordSignIn(db: Db, actor: Actor, raw: z.input<typeof setPasswordSignInInput>, ctx: PasswordSignInContext = {}) {
  if (actor.role !== 'owner') throw forbidden('Only Owners can change how people sign in');
  const { enabled } = setPasswordSignInInput.parse(raw);
  await db.transaction(async (tx) => {
    const [team] = await tx.select().from(teams).limit(1).for('update');
    if (!team) throw new ServiceError('PRECONDITION_FAILED', 'Tessera is not set up yet');
    if (team.passwordSignInEnabled === enabled) return;
    let ssoOwners: string[] = [];
    if (!enabled) {
      // Locks the provider row so that it cannot be removed while passwords are being turned off.
      const [idp] = await tx.select().from(identityProviders).where(eq(identityProviders.kind, 'entra')).limit(1).for('update');
      if (!idp) throw new ServiceError('PRECONDITION_FAILED', NO_IDP_MESSAGE);
      ssoOwners = await activeSsoOwners(tx, idp.updatedAt);
      const actingViaSso = actor.type === 'user' && ctx.signInMethod === 'entra';
      if (!actingViaSso && ssoOwners.length === 0) throw new ServiceError('PRECONDITION_FAILED', NO_SSO_OWNER_MESSAGE);
    }
    await tx.update(teams).set({ passwordSignInEnabled: enabled, updatedAt: new Date() }).where(eq(teams.id, team.id));
    await recordAudit(tx, actor, {
      action: enabled ? 'auth.password_sign_in.enable' : 'auth.password_sign_in.disable',
      targetType: 'team',
      targetId: team.id,
      targetLabel: team.name,
      details: enabled ? {} : { actingViaSso: actor.type === 'user' && ctx.signInMethod === 'entra', ssoOwners },
    });
  });
  return getPasswordSignInStatus(db);
}
