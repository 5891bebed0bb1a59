// The self-hosted scheduler: every minute, sync the MDM connections that are due. Runs in each
// server process; leases in the database keep instances from syncing one connection twice.
// Switch it off with TESSERA_DISABLE_SCHEDULER=1 when an external cron calls the cron route.
import { getDb } from '@/server/db';
import { syncDueIntegrations } from './mdm-sync';

const g = globalThis as unknown as { __tesseraScheduler?: NodeJS.Timeout };

export function startScheduler(intervalMs = 60_000) {
  if (g.__tesseraScheduler) return;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await syncDueIntegrations(await getDb());
    } catch (err) {
      console.error('[scheduler] MDM sync pass failed:', (err as Error).message);
    } finally {
      running = false;
    }
  };
  g.__tesseraScheduler = setInterval(tick, intervalMs);
  g.__tesseraScheduler.unref();
  setTimeout(tick, 5_000).unref();
}

export function stopScheduler() {
  if (g.__tesseraScheduler) clearInterval(g.__tesseraScheduler);
  g.__tesseraScheduler = undefined;
}
