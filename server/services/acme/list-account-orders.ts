// RFC 8555 §7.1.2.1: the orders URL of an account, newest first (the most recent 100).
import { desc, eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { acmeOrders, type AcmeAccount } from '@/server/db/schema';
import { AcmeProblem } from '@/lib/acme/problem';
import type { AcmeContext } from './acme-context';

export async function listAccountOrders(db: Db, ctx: AcmeContext, account: AcmeAccount, targetId: string) {
  if (targetId !== account.id) throw new AcmeProblem('unauthorized', 'An account can only list its own orders');
  const rows = await db
    .select({ id: acmeOrders.id })
    .from(acmeOrders)
    .where(eq(acmeOrders.accountId, account.id))
    .orderBy(desc(acmeOrders.createdAt))
    .limit(100);
  return { orders: rows.map((r) => ctx.urls.order(r.id)) };
}
