import { router } from './trpc';
import { auditRouter } from './routers/audit';
import { overviewRouter } from './routers/overview';
import { setupRouter } from './routers/setup';
import { teamRouter } from './routers/team';
import { usersRouter } from './routers/users';

export const appRouter = router({
  setup: setupRouter,
  team: teamRouter,
  users: usersRouter,
  audit: auditRouter,
  overview: overviewRouter,
});

export type AppRouter = typeof appRouter;
