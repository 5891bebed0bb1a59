// RFC 8555 §7.1.3: POST-as-GET on an order URL.
import type { Db } from '@/server/db';
import type { AcmeAccount } from '@/server/db/schema';
import { AcmeProblem } from '@/lib/acme/problem';
import type { AcmeContext } from './acme-context';
import { orderObject } from './acme-objects';
import { authorizationIdsOf, loadOwnedOrder } from './load-owned';

export async function getOrder(db: Db, ctx: AcmeContext, account: AcmeAccount, orderId: string, payload: unknown) {
  if (payload !== null) throw new AcmeProblem('malformed', 'Read an order with POST-as-GET (an empty payload)');
  const order = await loadOwnedOrder(db, account, orderId);
  return orderObject(order, await authorizationIdsOf(db, order.id), ctx.urls);
}
