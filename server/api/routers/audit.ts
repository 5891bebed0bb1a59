import { adminProcedure, router } from '../trpc';
import { listAudit, listAuditInput } from '@/server/services/audit/list-audit';

export const auditRouter = router({
  list: adminProcedure.input(listAuditInput).query(({ ctx, input }) => listAudit(ctx.db, input)),
});
