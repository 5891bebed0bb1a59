// Disconnects Microsoft Entra ID sign-in. Refused while password sign-in is off: removing the only
// way in would lock everyone out, and silently turning passwords back on would change a security
// setting behind the Owner's back (and help nobody who has no password). Sessions opened through
// Entra ID end with it (getSessionUser). SCIM users and tokens are left as they are.
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { identityProviders, teams } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { ServiceError, forbidden, notFound } from '../errors';

export const REMOVE_WHILE_SSO_ONLY_MESSAGE =
  'Password sign-in is turned off, so Microsoft Entra ID is the only way to sign in. Turn password sign-in back on first (and make sure an Owner has a password), then remove the identity provider.';

export async function removeEntraIdp(db: Db, actor: Actor) {
  if (actor.role !== 'owner') throw forbidden('Only Owners can change the sign-in provider');
  return db.transaction(async (tx) => {
    const [team] = await tx.select().from(teams).limit(1).for('update');
    const [idp] = await tx.select().from(identityProviders).where(eq(identityProviders.kind, 'entra')).limit(1).for('update');
    if (!idp) throw notFound('Microsoft Entra ID connection');
    if (team && !team.passwordSignInEnabled) throw new ServiceError('PRECONDITION_FAILED', REMOVE_WHILE_SSO_ONLY_MESSAGE);
    await tx.delete(identityProviders).where(eq(identityProviders.id, idp.id));
    await recordAudit(tx, actor, {
      action: 'identity_provider.delete',
      targetType: 'identity_provider',
      targetId: idp.id,
      targetLabel: 'Microsoft Entra ID',
      details: { kind: 'entra', clientId: idp.clientId, tenantId: idp.tenantId, metadataUrl: idp.metadataUrl },
    });
    return { removed: true as const, clientId: idp.clientId, tenantId: idp.tenantId };
  });
}
