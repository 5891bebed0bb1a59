import { adminProcedure, router } from '../trpc';
import { getTeam } from '@/server/services/team/get-team';
import { updateTeamSettings, updateTeamSettingsInput } from '@/server/services/team/update-team-settings';

export const teamRouter = router({
  get: adminProcedure.query(({ ctx }) => getTeam(ctx.db)),
  update: adminProcedure
    .input(updateTeamSettingsInput)
    .mutation(({ ctx, input }) => updateTeamSettings(ctx.db, ctx.actor, input)),
});
