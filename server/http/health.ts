// Load-balancer health check: the database answers and its migrations match this build.
import { sql } from 'drizzle-orm';
import { getDbHandle } from '@/server/db';
import { migrationStatus } from '@/server/db/client';

export async function handleHealth(): Promise<Response> {
  const headers = { 'cache-control': 'no-store' };
  try {
    const handle = await getDbHandle();
    await handle.db.execute(sql`select 1`);
    const m = await migrationStatus(handle.db);
    const current = m.applied >= m.expected;
    return Response.json(
      { status: current ? 'ok' : 'degraded', database: { kind: handle.kind, reachable: true }, migrations: { ...m, current } },
      { status: current ? 200 : 503, headers },
    );
  } catch (err) {
    console.error('[health] database check failed:', (err as Error).message);
    return Response.json(
      { status: 'unavailable', database: { reachable: false }, error: 'The database is not reachable' },
      { status: 503, headers },
    );
  }
}
