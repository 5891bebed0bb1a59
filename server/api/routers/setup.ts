import { publicProcedure, router } from '../trpc';
import { getTeam } from '@/server/services/team/get-team';
import { setupTeam, setupTeamInput } from '@/server/services/team/setup-team';

export const setupRouter = router({
  status: publicProcedure.query(async ({ ctx }) => ({ setUp: (await getTeam(ctx.db)) !== null })),
  create: publicProcedure.input(setupTeamInput).mutation(async ({ ctx, input }) => {
    const { team, owner } = await setupTeam(ctx.db, input, { type: 'user', ip: ctx.ip });
    return { teamSlug: team.slug, ownerEmail: owner.email };
  }),
});

