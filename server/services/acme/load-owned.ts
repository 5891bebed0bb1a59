// Looks up an order or authorization for the account that signed the request: unknown ids are
// 404, someone else's are 403 (RFC 8555 §7.5, §7.1.3), and lapsed ones are expired on the way.
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { acmeAuthorizations, acmeOrders, type AcmeAccount, type AcmeAuthorization, type AcmeOrder } from '@/server/db/schema';
import { AcmeProblem } from '@/lib/acme/problem';

const EXPIRED = { type: 'urn:ietf:params:acme:error:malformed', detail: 'The order expired before it was finalized', status: 400 };

export async function loadOwnedOrder(db: Db, account: AcmeAccount, orderId: string): Promise<AcmeOrder> {
  const [order] = await db.select().from(acmeOrders).where(eq(acmeOrders.id, orderId));
  if (!order) throw new AcmeProblem('malformed', 'No such order', 404);
  if (order.accountId !== account.id) throw new AcmeProblem('unauthorized', 'The order belongs to another account');
  if ((order.status === 'pending' || order.status === 'ready') && order.expires.getTime() <= Date.now()) return expireOrder(db, order);
  return order;
}

async function expireOrder(db: Db, order: AcmeOrder): Promise<AcmeOrder> {
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(acmeOrders)
      .set({ status: 'invalid', error: EXPIRED, updatedAt: new Date() })
      .where(and(eq(acmeOrders.id, order.id), inArray(acmeOrders.status, ['pending', 'ready'])))
      .returning();
    await tx
      .update(acmeAuthorizations)
      .set({ status: 'expired', updatedAt: new Date() })
      .where(and(eq(acmeAuthorizations.orderId, order.id), eq(acmeAuthorizations.status, 'pending')));
    return updated ?? (await tx.select().from(acmeOrders).where(eq(acmeOrders.id, order.id)))[0];
  });
}

export async function loadOwnedAuthorization(db: Db, account: AcmeAccount, authorizationId: string): Promise<AcmeAuthorization> {
  const [authz] = await db.select().from(acmeAuthorizations).where(eq(acmeAuthorizations.id, authorizationId));
  if (!authz) throw new AcmeProblem('malformed', 'No such authorization', 404);
  if (authz.accountId !== account.id) throw new AcmeProblem('unauthorized', 'The authorization belongs to another account');
  if (authz.status === 'pending' && authz.expires.getTime() <= Date.now()) {
    const [order] = await db.select().from(acmeOrders).where(eq(acmeOrders.id, authz.orderId));
    if (order) await loadOwnedOrder(db, account, order.id);
    const [fresh] = await db
      .update(acmeAuthorizations)
      .set({ status: 'expired', updatedAt: new Date() })
      .where(and(eq(acmeAuthorizations.id, authz.id), lte(acmeAuthorizations.expires, sql`now()`), eq(acmeAuthorizations.status, 'pending')))
      .returning();
    return fresh ?? (await db.select().from(acmeAuthorizations).where(eq(acmeAuthorizations.id, authz.id)))[0];
  }
  return authz;
}

export async function authorizationIdsOf(db: Db, orderId: string): Promise<string[]> {
  const rows = await db.select({ id: acmeAuthorizations.id }).from(acmeAuthorizations).where(eq(acmeAuthorizations.orderId, orderId)).orderBy(acmeAuthorizations.createdAt);
  return rows.map((r) => r.id);
}
