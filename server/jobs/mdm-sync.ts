// The MDM sync engine, called by the cron route (serverless), the in-process scheduler
// (self-hosted), the console's "Sync now" and the CLI. One connection is synced by one holder of
// its lease at a time; every page commits on its own and moves the run's checkpoint, so a run
// cut short (crash, serverless time limit) is resumed, not restarted, by the next call.
import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { deviceSources, devices, integrations, mdmSeen, mdmSyncRuns, teams, type Integration, type MdmSyncRun } from '@/server/db/schema';
import { MdmError } from '@/lib/mdm/http';
import type { MdmHttpOptions } from '@/lib/mdm/http';
import { recordAudit } from '@/server/services/audit/record-audit';
import type { Actor } from '@/server/services/actor';
import { applyMdmPage } from '@/server/services/mdm/apply-mdm-page';
import { mdmClientFor } from '@/server/services/mdm/mdm-client-for';

const LEASE_MS = 2 * 60_000;
/** How many unseen records a run confirms one by one before flagging them as removed. */
const CONFIRM_REMOVALS_UP_TO = 100;
const RETRY_AFTER_FAILURE_MS = 15 * 60_000;
const instanceId = `${process.pid}-${randomUUID().slice(0, 8)}`;

export type SyncTrigger = MdmSyncRun['trigger'];

export interface SyncOptions {
  trigger: SyncTrigger;
  /** Stop after this long and leave the run to be continued (serverless invocations). */
  timeBudgetMs?: number;
  /** Test hooks: HTTP behaviour of the MDM client, a fault injected after a page. */
  http?: MdmHttpOptions;
  afterPage?: (run: MdmSyncRun) => Promise<void> | void;
}

export type SyncOutcome =
  | { status: 'succeeded' | 'failed' | 'paused'; run: MdmSyncRun }
  | { status: 'busy'; run?: undefined };

async function takeLease(db: Db, integrationId: string, owner: string): Promise<Integration | null> {
  const [row] = await db
    .update(integrations)
    .set({ leaseOwner: owner, leaseUntil: new Date(Date.now() + LEASE_MS) })
    .where(and(eq(integrations.id, integrationId), or(isNull(integrations.leaseUntil), lt(integrations.leaseUntil, new Date()), eq(integrations.leaseOwner, owner))))
    .returning();
  return row ?? null;
}

async function releaseLease(db: Db, integrationId: string, owner: string, nextSyncAt?: Date) {
  await db
    .update(integrations)
    .set({ leaseOwner: null, leaseUntil: null, ...(nextSyncAt ? { nextSyncAt } : {}) })
    .where(and(eq(integrations.id, integrationId), eq(integrations.leaseOwner, owner)));
}

export async function syncIntegration(db: Db, integrationId: string, opts: SyncOptions): Promise<SyncOutcome> {
  const owner = `${instanceId}:${randomUUID().slice(0, 8)}`;
  const integration = await takeLease(db, integrationId, owner);
  if (!integration) return { status: 'busy' };
  const started = Date.now();
  let leaseRenewedAt = started;
  const actor: Actor = { type: 'mdm', id: integration.id, label: `mdm:${integration.name}` };
  // Continue an unfinished run (its holder crashed or ran out of time), or start one.
  let [run] = await db
    .select()
    .from(mdmSyncRuns)
    .where(and(eq(mdmSyncRuns.integrationId, integration.id), eq(mdmSyncRuns.status, 'running')))
    .orderBy(desc(mdmSyncRuns.startedAt))
    .limit(1);
  if (!run) {
    [run] = await db.insert(mdmSyncRuns).values({ integrationId: integration.id, trigger: opts.trigger }).returning();
  }
  const update = async (set: Partial<MdmSyncRun>) => {
    [run] = await db.update(mdmSyncRuns).set({ ...set, heartbeatAt: new Date() }).where(eq(mdmSyncRuns.id, run.id)).returning();
  };

  try {
    const [team] = await db.select().from(teams).limit(1);
    const mdm = mdmClientFor(integration, opts.http);
    const phases = mdm.listings.map((l) => l.phase);
    let phaseIndex = Math.max(0, phases.indexOf(run.phase));
    if (run.phase !== phases[phaseIndex]) await update({ phase: phases[phaseIndex], nextPage: 0 });
    for (; phaseIndex < phases.length; phaseIndex++) {
      const listing = mdm.listings[phaseIndex];
      if (run.phase !== listing.phase) await update({ phase: listing.phase, nextPage: 0 });
      for await (const page of listing.list(run.nextPage)) {
        const counts = await applyMdmPage(db, integration, team, run.id, page.devices, actor);
        await update({
          nextPage: page.page + 1,
          pages: run.pages + 1,
          fetched: run.fetched + page.devices.length,
          added: run.added + counts.added,
          updated: run.updated + counts.updated,
          unchanged: run.unchanged + counts.unchanged,
          totalEstimate: page.totalCount ?? run.totalEstimate,
        });
        if (Date.now() - leaseRenewedAt > LEASE_MS / 4) {
          leaseRenewedAt = Date.now();
          await db.update(integrations).set({ leaseUntil: new Date(Date.now() + LEASE_MS) }).where(eq(integrations.id, integration.id));
        }
        await opts.afterPage?.(run);
        if (opts.timeBudgetMs && Date.now() - started > opts.timeBudgetMs) {
          await releaseLease(db, integration.id, owner);
          return { status: 'paused', run };
        }
      }
    }

    // Records the listing did not return may still exist: offset pages shift when a record is
    // deleted mid-run, so a live one can fall between two pages. Ask for each one directly (when
    // there are few; a mass removal is taken as it comes, and the next run corrects any slip).
    if (mdm.lookup) {
      const unseen = await db
        .select({ externalId: deviceSources.externalId })
        .from(deviceSources)
        .where(
          and(
            eq(deviceSources.source, `mdm:${integration.id}`),
            isNull(deviceSources.removedAt),
            sql`not exists (select 1 from ${mdmSeen} m where m.run_id = ${run.id} and m.source_id = ${deviceSources.id})`,
          ),
        )
        .limit(CONFIRM_REMOVALS_UP_TO + 1);
      if (unseen.length <= CONFIRM_REMOVALS_UP_TO) {
        for (const { externalId } of unseen) {
          const present = await mdm.lookup(externalId);
          if (present) await applyMdmPage(db, integration, team, run.id, [present], actor);
        }
      }
    }

    // Records this completed run did not see were removed from the MDM: flag them, never delete.
    const removed = await db
      .update(deviceSources)
      .set({ removedAt: new Date() })
      .where(
        and(
          eq(deviceSources.source, `mdm:${integration.id}`),
          isNull(deviceSources.removedAt),
          sql`not exists (select 1 from ${mdmSeen} m where m.run_id = ${run.id} and m.source_id = ${deviceSources.id})`,
        ),
      )
      .returning({ id: deviceSources.id });
    await db.delete(mdmSeen).where(eq(mdmSeen.runId, run.id));
    await update({ status: 'succeeded', removed: removed.length, finishedAt: new Date(), error: null, errorKind: null });
    // A large first sync changes the tables' shape; fresh statistics keep later lookups on indexes
    // even where autovacuum is off or has not run yet.
    if (run.added > 1000) {
      await db.execute(sql`analyze ${deviceSources}`).catch(() => {});
      await db.execute(sql`analyze ${devices}`).catch(() => {});
    }
    await recordAudit(db, actor, {
      action: 'mdm.sync.succeeded',
      targetType: 'integration',
      targetId: integration.id,
      targetLabel: integration.name,
      details: { runId: run.id, fetched: run.fetched, added: run.added, updated: run.updated, unchanged: run.unchanged, removed: run.removed },
    });
    await releaseLease(db, integration.id, owner, new Date(Date.now() + integration.syncIntervalMinutes * 60_000));
    return { status: 'succeeded', run };
  } catch (err) {
    const kind = err instanceof MdmError ? err.kind : 'internal';
    const message = err instanceof MdmError ? err.message : 'Tessera failed while applying the inventory (see the server log)';
    if (!(err instanceof MdmError)) console.error(`[mdm-sync] ${integration.name} failed:`, err);
    await update({ status: 'failed', error: message.slice(0, 1000), errorKind: kind, finishedAt: new Date() });
    await recordAudit(db, actor, {
      action: 'mdm.sync.failed',
      targetType: 'integration',
      targetId: integration.id,
      targetLabel: integration.name,
      details: { runId: run.id, kind, error: message.slice(0, 300), pagesApplied: run.pages },
    });
    const retry = Math.min(RETRY_AFTER_FAILURE_MS, integration.syncIntervalMinutes * 60_000);
    await releaseLease(db, integration.id, owner, new Date(Date.now() + retry));
    return { status: 'failed', run };
  }
}

/** Connections whose sync is due (or has an unfinished run), for the cron route and scheduler. */
export async function syncDueIntegrations(db: Db, opts: { timeBudgetMs?: number } = {}) {
  const due = await db
    .select({ id: integrations.id, name: integrations.name })
    .from(integrations)
    .where(
      and(
        eq(integrations.syncEnabled, true),
        sql`${integrations.credentialsEnc} is not null`,
        or(
          isNull(integrations.nextSyncAt),
          lt(integrations.nextSyncAt, new Date()),
          sql`exists (select 1 from ${mdmSyncRuns} r where r.integration_id = ${integrations.id} and r.status = 'running')`,
        ),
      ),
    );
  const results: { name: string; status: SyncOutcome['status'] }[] = [];
  const started = Date.now();
  for (const i of due) {
    const left = opts.timeBudgetMs ? opts.timeBudgetMs - (Date.now() - started) : undefined;
    if (left !== undefined && left <= 0) break;
    const r = await syncIntegration(db, i.id, { trigger: 'schedule', timeBudgetMs: left });
    results.push({ name: i.name, status: r.status });
  }
  return results;
}
