// RFC 8555 §7.5 and §7.5.2: POST-as-GET on an authorization, or {"status":"deactivated"} to give
// it up (its order then becomes invalid).
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { acmeAuthorizations, acmeChallenges, acmeOrders, type AcmeAccount } from '@/server/db/schema';
import { AcmeProblem } from '@/lib/acme/problem';
import { recordAudit } from '../audit/record-audit';
import { acmeActor, type AcmeContext } from './acme-context';
import { authorizationObject } from './acme-objects';
import { loadOwnedAuthorization } from './load-owned';

export async function getAuthorization(db: Db, ctx: AcmeContext, account: AcmeAccount, authorizationId: string, payload: unknown) {
  let authz = await loadOwnedAuthorization(db, account, authorizationId);
  if (payload !== null) {
    if ((payload as { status?: unknown }).status !== 'deactivated') throw new AcmeProblem('malformed', 'The only change a client may make to an authorization is {"status":"deactivated"}');
    if (authz.status !== 'pending' && authz.status !== 'valid') throw new AcmeProblem('malformed', `An authorization that is ${authz.status} cannot be deactivated`);
    authz = await db.transaction(async (tx) => {
      const [updated] = await tx
        .update(acmeAuthorizations)
        .set({ status: 'deactivated', updatedAt: new Date() })
        .where(eq(acmeAuthorizations.id, authz.id))
        .returning();
      await tx
        .update(acmeOrders)
        .set({ status: 'invalid', error: { type: 'urn:ietf:params:acme:error:unauthorized', detail: 'The authorization was deactivated', status: 403 }, updatedAt: new Date() })
        .where(and(eq(acmeOrders.id, authz.orderId), inArray(acmeOrders.status, ['pending', 'ready'])));
      await recordAudit(tx, acmeActor(account, ctx.ip), {
        action: 'acme.authorization.deactivate',
        targetType: 'acme_order',
        targetId: authz.orderId,
        targetLabel: authz.identifierValue,
      });
      return updated;
    });
  }
  const challenges = await db.select().from(acmeChallenges).where(eq(acmeChallenges.authorizationId, authz.id));
  return authorizationObject(authz, challenges, ctx.urls);
}
