// Identity provider and sign-in commands: connect Microsoft Entra ID (`idp set-entra`, the secret
// read from standard input), show or remove it, and turn local password sign-in on or off. `auth
// password-signin enable` is the break-glass path when SSO stops working while passwords are off.
import { getDbHandle } from '@/server/db';
import { publicBaseUrl } from '@/server/http/base-url';
import { cliActor } from '@/server/services/actor';
import { getEntraIdp } from '@/server/services/identity/get-entra-idp';
import { getPasswordSignInStatus, type PasswordSignInStatus } from '@/server/services/identity/get-password-sign-in-status';
import { removeEntraIdp } from '@/server/services/identity/remove-entra-idp';
import { saveEntraIdp } from '@/server/services/identity/save-entra-idp';
import { setPasswordSignIn } from '@/server/services/identity/set-password-sign-in';
import { CliError, required, type Command } from '../framework';

const db = async () => (await getDbHandle()).db;

function printStatus(r: unknown, io: { out(l: string): void }) {
  const s = r as PasswordSignInStatus;
  io.out(`Password sign-in: ${s.enabled ? 'enabled' : 'disabled (Microsoft Entra ID only)'}`);
  io.out(`Entra ID:         ${s.idpConfigured ? 'connected' : 'not connected'}`);
  io.out(`SSO Owners:       ${s.ssoOwners.length ? s.ssoOwners.join(', ') : 'none yet'}`);
  if (s.enabled && s.disableBlockedBy) io.out(`Cannot be disabled yet: ${s.disableBlockedBy}`);
}

export const identityCommands: Command[] = [
  {
    name: 'idp set-entra',
    summary: 'Connect (or edit) Microsoft Entra ID sign-in; the client secret is read from standard input',
    usage:
      'tessera idp set-entra --client-id ID --tenant-id TENANT [--client-secret-stdin] [--metadata-url URL] [--no-verify] [--json]',
    flags: {
      'client-id': { type: 'string' },
      'tenant-id': { type: 'string' },
      'client-secret-stdin': { type: 'boolean' },
      'metadata-url': { type: 'string' },
      'no-verify': { type: 'boolean' },
    },
    async run(a, io) {
      const handle = await db();
      const clientId = required(a, 'client-id');
      const tenantId = required(a, 'tenant-id');
      const existing = await getEntraIdp(handle);
      if (!a['client-secret-stdin'] && !existing)
        throw new CliError('--client-secret-stdin is required (pipe the client secret value in, e.g. `printf %s "$SECRET" | tessera idp set-entra ...`)');
      const clientSecret = a['client-secret-stdin'] ? (await io.readStdin()).trim() : '';
      if (a['client-secret-stdin'] && !clientSecret) throw new CliError('Standard input was empty: expected the client secret value');
      const saved = await saveEntraIdp(
        handle,
        cliActor(),
        { clientId, tenantId, clientSecret, metadataUrl: (a['metadata-url'] as string | undefined) ?? '' },
        { verify: !a['no-verify'] },
      );
      return { ...saved, verified: !a['no-verify'], redirectUri: `${publicBaseUrl()}/api/auth/callback/entra` };
    },
    print: (r, io) => {
      const s = r as { tenantId: string; issuer: string; verified: boolean; redirectUri: string };
      io.out(`Microsoft Entra ID connected for tenant ${s.tenantId} (issuer ${s.issuer}).`);
      if (!s.verified) io.err('The metadata document was not fetched (--no-verify): sign in once to check the settings.');
      io.out(`Redirect URI for the app registration: ${s.redirectUri}`);
    },
  },
  {
    name: 'idp show',
    summary: 'Show the Microsoft Entra ID sign-in settings (never the secret) and the password sign-in state',
    usage: 'tessera idp show [--json]',
    flags: {},
    async run() {
      const handle = await db();
      const [entra, passwordSignIn] = await Promise.all([getEntraIdp(handle), getPasswordSignInStatus(handle)]);
      return {
        entra,
        redirectUri: `${publicBaseUrl()}/api/auth/callback/entra`,
        scimTenantUrl: `${publicBaseUrl()}/scim/v2`,
        passwordSignIn,
      };
    },
    print: (r, io) => {
      const s = r as {
        entra: { clientId: string; tenantId: string; metadataUrl: string; issuer: string; updatedAt: Date } | null;
        redirectUri: string;
        scimTenantUrl: string;
        passwordSignIn: PasswordSignInStatus;
      };
      if (!s.entra) io.out('Microsoft Entra ID: not connected (run `tessera idp set-entra`).');
      else {
        io.out(`Microsoft Entra ID: connected`);
        io.out(`  Client ID:    ${s.entra.clientId}`);
        io.out(`  Tenant ID:    ${s.entra.tenantId}`);
        io.out(`  Metadata URL: ${s.entra.metadataUrl}`);
        io.out(`  Issuer:       ${s.entra.issuer}`);
        io.out(`  Secret:       stored encrypted`);
      }
      io.out(`Redirect URI:     ${s.redirectUri}`);
      io.out(`SCIM Tenant URL:  ${s.scimTenantUrl}`);
      printStatus(s.passwordSignIn, io);
    },
  },
  {
    name: 'idp remove',
    summary: 'Disconnect Microsoft Entra ID sign-in (refused while password sign-in is disabled)',
    usage: 'tessera idp remove [--json]',
    flags: {},
    run: async () => removeEntraIdp(await db(), cliActor()),
    print: (_r, io) => io.out('Microsoft Entra ID sign-in removed. People sign in with their password.'),
  },
  {
    name: 'auth password-signin status',
    summary: 'Show whether local password sign-in is enabled',
    usage: 'tessera auth password-signin status [--json]',
    flags: {},
    run: async () => getPasswordSignInStatus(await db()),
    print: printStatus,
  },
  {
    name: 'auth password-signin enable',
    summary: 'Turn local password sign-in back on (break-glass when SSO fails)',
    usage: 'tessera auth password-signin enable [--json]',
    flags: {},
    run: async () => setPasswordSignIn(await db(), cliActor(), { enabled: true }),
    print: (_r, io) => io.out('Password sign-in is enabled: people with a password can sign in again.'),
  },
  {
    name: 'auth password-signin disable',
    summary: 'Turn local password sign-in off (refused unless an Owner has signed in with Entra ID)',
    usage: 'tessera auth password-signin disable [--json]',
    flags: {},
    run: async () => setPasswordSignIn(await db(), cliActor(), { enabled: false }),
    print: (_r, io) => io.out('Password sign-in is disabled: people sign in with Microsoft Entra ID only. Undo with `tessera auth password-signin enable`.'),
  },
];
