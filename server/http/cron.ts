// Cron entry point for Vercel-style deployments: runs due MDM syncs within one invocation's time
// budget; unfinished runs continue on the next call. Protected by CRON_SECRET (Bearer, compared
// in constant time).
import { getDb } from '@/server/db';
import { env } from '@/lib/env';
import { safeEqual } from '@/lib/tokens';
import { syncDueIntegrations } from '@/server/jobs/mdm-sync';

const BUDGET_MS = 50_000; // under the usual 60 s function limit

export async function handleCronMdmSync(req: Request): Promise<Response> {
  const secret = env().CRON_SECRET;
  if (!secret) return Response.json({ message: 'Set CRON_SECRET to enable the cron route' }, { status: 503 });
  const given = /^Bearer\s+(.+)$/i.exec(req.headers.get('authorization') ?? '')?.[1] ?? '';
  if (!safeEqual(given, secret)) return Response.json({ message: 'Unauthorized' }, { status: 401 });
  const results = await syncDueIntegrations(await getDb(), { timeBudgetMs: BUDGET_MS });
  return Response.json({ results }, { headers: { 'cache-control': 'no-store' } });
}
