// Runs once when a Next.js server process starts: validate configuration and apply migrations
// before the first request, so a misconfiguration fails at start with a clear message.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env } = await import('./lib/env');
  env();
  const { getDbHandle } = await import('./server/db');
  const handle = await getDbHandle();
  console.log(`[tessera] database ready (${handle.kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'})`);
  if (!env().TESSERA_DISABLE_SCHEDULER) {
    const { startScheduler } = await import('./server/jobs/scheduler');
    startScheduler();
    console.log('[tessera] scheduler started (MDM sync)');
  }
}
