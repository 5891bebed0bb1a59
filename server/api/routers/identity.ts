import { adminProcedure, ownerProcedure, router } from '../trpc';
import { getEntraIdp } from '@/server/services/identity/get-entra-idp';
import { saveEntraIdp, saveEntraIdpInput } from '@/server/services/identity/save-entra-idp';

export const identityRouter = router({
  get: adminProcedure.query(({ ctx }) => getEntraIdp(ctx.db)),
  saveEntra: ownerProcedure.input(saveEntraIdpInput).mutation(({ ctx, input }) => saveEntraIdp(ctx.db, ctx.actor, input)),
});
