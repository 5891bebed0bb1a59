import { z } from 'zod';
import { adminProcedure, router } from '../trpc';
import { createFleetIntegration, createFleetInput } from '@/server/services/integrations/create-fleet-integration';
import { createJamfIntegration, createJamfInput } from '@/server/services/integrations/create-jamf-integration';
import { listIntegrations } from '@/server/services/integrations/list-integrations';
import {
  disconnectIntegration,
  syncStatus,
  testIntegration,
  updateIntegration,
  updateIntegrationInput,
} from '@/server/services/integrations/manage-integration';
import { rotateChallengeCredentials } from '@/server/services/integrations/rotate-challenge-credentials';
import { syncIntegration } from '@/server/jobs/mdm-sync';
import { publicBaseUrl } from '@/server/http/base-url';
import type { Db } from '@/server/db';

const byId = z.object({ id: z.uuid() });

/** Starts a sync without waiting for it; the console polls `status`. The scheduler or cron would
 *  pick it up anyway, since a new or due connection has no future nextSyncAt. */
function startSync(db: Db, id: string, trigger: 'manual' | 'connect') {
  void syncIntegration(db, id, { trigger }).catch((err) => console.error('[mdm-sync] background run failed:', err));
}

export const integrationsRouter = router({
  list: adminProcedure.query(({ ctx }) => listIntegrations(ctx.db, publicBaseUrl())),
  createFleet: adminProcedure.input(createFleetInput.extend({ startSync: z.boolean().default(true) })).mutation(async ({ ctx, input }) => {
    const { startSync: start, ...rest } = input;
    const r = await createFleetIntegration(ctx.db, ctx.actor, rest);
    if (start) startSync(ctx.db, r.integration.id, 'connect');
    const base = publicBaseUrl();
    return {
      id: r.integration.id,
      name: r.integration.name,
      scepUrl: `${base}/scep/${r.integration.id}`,
      challengeUrl: `${base}/webhook/${r.integration.id}/challenge`,
      challengeUsername: r.challengeUsername,
      challengePassword: r.challengePassword,
    };
  }),
  createJamf: adminProcedure.input(createJamfInput).mutation(async ({ ctx, input }) => {
    const row = await createJamfIntegration(ctx.db, ctx.actor, input);
    startSync(ctx.db, row.id, 'connect');
    return { id: row.id, name: row.name };
  }),
  rotateChallenge: adminProcedure.input(byId).mutation(({ ctx, input }) => rotateChallengeCredentials(ctx.db, ctx.actor, input.id)),
  test: adminProcedure.input(byId).mutation(({ ctx, input }) => testIntegration(ctx.db, input.id)),
  syncNow: adminProcedure.input(byId).mutation(async ({ ctx, input }) => {
    await syncStatus(ctx.db, input.id); // 404 for an unknown id
    startSync(ctx.db, input.id, 'manual');
    return { started: true };
  }),
  status: adminProcedure.input(byId).query(({ ctx, input }) => syncStatus(ctx.db, input.id)),
  update: adminProcedure.input(updateIntegrationInput).mutation(({ ctx, input }) => updateIntegration(ctx.db, ctx.actor, input)),
  disconnect: adminProcedure
    .input(byId.extend({ removeDevices: z.boolean() }))
    .mutation(({ ctx, input }) => disconnectIntegration(ctx.db, ctx.actor, input)),
});
