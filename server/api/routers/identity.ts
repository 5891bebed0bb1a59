import { adminProcedure, ownerProcedure, router } from '../trpc';
import { getEntraIdp } from '@/server/services/identity/get-entra-idp';
import { getPasswordSignInStatus } from '@/server/services/identity/get-password-sign-in-status';
import { removeEntraIdp } from '@/server/services/identity/remove-entra-idp';
import { saveEntraIdp, saveEntraIdpInput } from '@/server/services/identity/save-entra-idp';
import { setPasswordSignIn, setPasswordSignInInput } from '@/server/services/identity/set-password-sign-in';

export const identityRouter = router({
  get: adminProcedure.query(({ ctx }) => getEntraIdp(ctx.db)),
  saveEntra: ownerProcedure.input(saveEntraIdpInput).mutation(({ ctx, input }) => saveEntraIdp(ctx.db, ctx.actor, input)),
  removeEntra: ownerProcedure.mutation(({ ctx }) => removeEntraIdp(ctx.db, ctx.actor)),
  passwordSignIn: adminProcedure.query(({ ctx }) => getPasswordSignInStatus(ctx.db)),
  setPasswordSignIn: ownerProcedure
    .input(setPasswordSignInInput)
    .mutation(({ ctx, input }) => setPasswordSignIn(ctx.db, ctx.actor, input, { signInMethod: ctx.user.signInMethod })),
});
