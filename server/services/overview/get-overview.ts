// Figures for the console's overview page, computed in SQL.
import { desc, gt, notLike, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { auditLog, users } from '@/server/db/schema';

export async function getOverview(db: Db) {
  const [counts] = await db
    .select({
      users: sql<number>`count(*)::int`,
      active: sql<number>`count(*) filter (where ${users.active})::int`,
      owners: sql<number>`count(*) filter (where ${users.role} = 'owner' and ${users.active})::int`,
      admins: sql<number>`count(*) filter (where ${users.role} = 'admin' and ${users.active})::int`,
    })
    .from(users);
  const [events] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(gt(auditLog.at, sql`now() - interval '24 hours'`));
  // Changes, not sign-ins: those are in the audit log.
  const recent = await db.select().from(auditLog).where(notLike(auditLog.action, 'auth.%')).orderBy(desc(auditLog.id)).limit(8);
  return { users: counts, eventsLast24h: events.n, recent };
}
