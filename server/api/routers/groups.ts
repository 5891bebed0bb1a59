import { adminProcedure, router } from '../trpc';
import { listGroups, listGroupsInput } from '@/server/services/groups/list-groups';

export const groupsRouter = router({
  list: adminProcedure.input(listGroupsInput).query(({ ctx, input }) => listGroups(ctx.db, input)),
});
