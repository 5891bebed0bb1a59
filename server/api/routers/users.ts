import { adminProcedure, authedProcedure, router } from '../trpc';
import { z } from 'zod';
import { createUser, createUserInput } from '@/server/services/users/create-user';
import { getUserDetail } from '@/server/services/users/get-user-detail';
import { listUsers, listUsersInput } from '@/server/services/users/list-users';
import { setUserActive, setUserActiveInput } from '@/server/services/users/set-user-active';
import { setUserRole, setUserRoleInput } from '@/server/services/users/set-user-role';

export const usersRouter = router({
  me: authedProcedure.query(({ ctx }) => ctx.user),
  list: adminProcedure.input(listUsersInput).query(({ ctx, input }) => listUsers(ctx.db, input)),
  get: adminProcedure.input(z.object({ id: z.uuid() })).query(({ ctx, input }) => getUserDetail(ctx.db, input.id)),
  create: adminProcedure.input(createUserInput).mutation(async ({ ctx, input }) => {
    const user = await createUser(ctx.db, ctx.actor, input);
    return { id: user.id, email: user.email, role: user.role };
  }),
  setRole: adminProcedure.input(setUserRoleInput).mutation(async ({ ctx, input }) => {
    const u = await setUserRole(ctx.db, ctx.actor, input);
    return { id: u.id, role: u.role };
  }),
  setActive: adminProcedure.input(setUserActiveInput).mutation(async ({ ctx, input }) => {
    const u = await setUserActive(ctx.db, ctx.actor, input);
    return { id: u.id, active: u.active };
  }),
});
