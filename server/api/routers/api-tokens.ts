import { adminProcedure, router } from '../trpc';
import { createApiToken, createApiTokenInput } from '@/server/services/api-tokens/create-api-token';
import { listApiTokens } from '@/server/services/api-tokens/list-api-tokens';
import { revokeApiToken, revokeApiTokenInput } from '@/server/services/api-tokens/revoke-api-token';

export const apiTokensRouter = router({
  list: adminProcedure.query(({ ctx }) => listApiTokens(ctx.db)),
  create: adminProcedure.input(createApiTokenInput).mutation(({ ctx, input }) => createApiToken(ctx.db, ctx.actor, input)),
  revoke: adminProcedure.input(revokeApiTokenInput).mutation(async ({ ctx, input }) => {
    await revokeApiToken(ctx.db, ctx.actor, input.id);
    return { ok: true };
  }),
});
