import { adminProcedure, router } from '../trpc';
import { createScimToken, createScimTokenInput } from '@/server/services/scim/create-scim-token';
import { listScimTokens } from '@/server/services/scim/list-scim-tokens';
import { revokeScimToken, revokeScimTokenInput } from '@/server/services/scim/revoke-scim-token';

export const scimTokensRouter = router({
  list: adminProcedure.query(({ ctx }) => listScimTokens(ctx.db)),
  create: adminProcedure.input(createScimTokenInput).mutation(({ ctx, input }) => createScimToken(ctx.db, ctx.actor, input)),
  revoke: adminProcedure.input(revokeScimTokenInput).mutation(async ({ ctx, input }) => {
    await revokeScimToken(ctx.db, ctx.actor, input.id);
    return { ok: true };
  }),
});
