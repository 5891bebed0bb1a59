import { adminProcedure, router } from '../trpc';
import { getOverview } from '@/server/services/overview/get-overview';

export const overviewRouter = router({
  get: adminProcedure.query(({ ctx }) => getOverview(ctx.db)),
});
