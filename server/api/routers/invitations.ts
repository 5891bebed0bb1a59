import { z } from 'zod';
import { adminProcedure, publicProcedure, router } from '../trpc';
import { acceptInvitation, acceptInvitationInput } from '@/server/services/invitations/accept-invitation';
import { createInvitation, createInvitationInput } from '@/server/services/invitations/create-invitation';
import { findInvitation } from '@/server/services/invitations/find-invitation';
import { listInvitations, listInvitationsInput } from '@/server/services/invitations/list-invitations';
import { revokeInvitation, revokeInvitationInput } from '@/server/services/invitations/revoke-invitation';

export const invitationsRouter = router({
  list: adminProcedure.input(listInvitationsInput).query(({ ctx, input }) => listInvitations(ctx.db, input)),
  create: adminProcedure.input(createInvitationInput).mutation(({ ctx, input }) => createInvitation(ctx.db, ctx.actor, input)),
  revoke: adminProcedure.input(revokeInvitationInput).mutation(({ ctx, input }) => revokeInvitation(ctx.db, ctx.actor, input.id)),
  // The invitee has no account yet: the 256-bit token in the link is the credential.
  lookup: publicProcedure.input(z.object({ token: z.string().max(200) })).query(({ ctx, input }) => findInvitation(ctx.db, input.token)),
  accept: publicProcedure.input(acceptInvitationInput).mutation(async ({ ctx, input }) => {
    const user = await acceptInvitation(ctx.db, input, ctx.ip);
    return { email: user.email };
  }),
});
