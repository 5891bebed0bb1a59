// Counts for the overview page, in one pass over the devices table.
import { desc, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { devices } from '@/server/db/schema';

export async function deviceStats(db: Db) {
  const [counts] = await db
    .select({
      total: sql<number>`count(*)::int`,
      approved: sql<number>`count(*) filter (where ${devices.approvalStatus} = 'approved')::int`,
      pending: sql<number>`count(*) filter (where ${devices.approvalStatus} = 'pending')::int`,
      rejected: sql<number>`count(*) filter (where ${devices.approvalStatus} = 'rejected')::int`,
      high: sql<number>`count(*) filter (where ${devices.assurance} = 'high')::int`,
      quarantined: sql<number>`count(*) filter (where ${devices.lifecycleStatus} = 'quarantined')::int`,
    })
    .from(devices);
  const bySource = await db
    .select({ kind: sql<string>`k`, n: sql<number>`count(*)::int` })
    .from(sql`${devices}, unnest(${devices.sourceKinds}) as k`)
    .groupBy(sql`k`)
    .orderBy(sql`2 desc`);
  const byOs = await db
    .select({ os: sql<string>`coalesce(${devices.os}, 'Unknown')`, n: sql<number>`count(*)::int` })
    .from(devices)
    .groupBy(sql`1`)
    .orderBy(sql`2 desc`)
    .limit(8);
  const recent = await db.select().from(devices).orderBy(desc(devices.enrolledAt), desc(devices.id)).limit(6);
  return { counts, bySource, byOs, recent };
}
