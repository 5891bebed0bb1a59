import { router } from './trpc';
import { apiTokensRouter } from './routers/api-tokens';
import { auditRouter } from './routers/audit';
import { devicesRouter } from './routers/devices';
import { integrationsRouter } from './routers/integrations';
import { pkiRouter } from './routers/pki';
import { overviewRouter } from './routers/overview';
import { setupRouter } from './routers/setup';
import { teamRouter } from './routers/team';
import { usersRouter } from './routers/users';
import { scimTokensRouter } from './routers/scim-tokens';
import { groupsRouter } from './routers/groups';
import { identityRouter } from './routers/identity';
import { invitationsRouter } from './routers/invitations';
import { myDevicesRouter } from './routers/my-devices';
import { attestationRouter } from './routers/attestation';

export const appRouter = router({
  setup: setupRouter,
  team: teamRouter,
  users: usersRouter,
  audit: auditRouter,
  overview: overviewRouter,
  devices: devicesRouter,
  apiTokens: apiTokensRouter,
  pki: pkiRouter,
  integrations: integrationsRouter,
  scimTokens: scimTokensRouter,
  groups: groupsRouter,
  identity: identityRouter,
  invitations: invitationsRouter,
  myDevices: myDevicesRouter,
  attestation: attestationRouter,
});

export type AppRouter = typeof appRouter;
