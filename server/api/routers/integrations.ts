import { z } from 'zod';
import { adminProcedure, router } from '../trpc';
import { createFleetIntegration, createFleetInput } from '@/server/services/integrations/create-fleet-integration';
import { listIntegrations } from '@/server/services/integrations/list-integrations';
import { rotateChallengeCredentials } from '@/server/services/integrations/rotate-challenge-credentials';
import { publicBaseUrl } from '@/server/http/base-url';

export const integrationsRouter = router({
  list: adminProcedure.query(({ ctx }) => listIntegrations(ctx.db, publicBaseUrl())),
  createFleet: adminProcedure.input(createFleetInput).mutation(async ({ ctx, input }) => {
    const r = await createFleetIntegration(ctx.db, ctx.actor, input);
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
  rotateChallenge: adminProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => rotateChallengeCredentials(ctx.db, ctx.actor, input.id)),
});
