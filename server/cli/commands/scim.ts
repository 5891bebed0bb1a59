// SCIM token commands: create (prints the Secret Token once, with the Tenant URL), list, revoke.
import { getDbHandle } from '@/server/db';
import { publicBaseUrl } from '@/server/http/base-url';
import { cliActor } from '@/server/services/actor';
import { createScimToken } from '@/server/services/scim/create-scim-token';
import { listScimTokens } from '@/server/services/scim/list-scim-tokens';
import { revokeScimToken } from '@/server/services/scim/revoke-scim-token';
import { CliError, required, type Command } from '../framework';

const db = async () => (await getDbHandle()).db;

export const scimCommands: Command[] = [
  {
    name: 'scim-token create',
    summary: 'Create a SCIM Secret Token for your identity provider (printed once)',
    usage: 'tessera scim-token create --name NAME [--json]',
    flags: { name: { type: 'string' } },
    async run(a) {
      const t = await createScimToken(await db(), cliActor(), { name: required(a, 'name') });
      return { id: t.id, name: t.name, token: t.token, tenantUrl: `${publicBaseUrl()}/scim/v2` };
    },
    print: (r, io) => {
      const t = r as { name: string; token: string; tenantUrl: string };
      io.out(t.token);
      io.err(`SCIM token "${t.name}" created. It is shown only this once.\nTenant URL: ${t.tenantUrl}`);
    },
  },
  {
    name: 'scim-token list',
    summary: 'List SCIM tokens (never their secret)',
    usage: 'tessera scim-token list [--json]',
    flags: {},
    run: async () => listScimTokens(await db()),
    print: (r, io) => {
      const list = r as { id: string; name: string; prefix: string; status: string; lastUsedAt: Date | null }[];
      if (!list.length) return io.out('No SCIM tokens.');
      for (const t of list) io.out(`${t.id}  ${t.name.padEnd(24)} ${t.prefix}…  ${t.status.padEnd(8)} last used ${t.lastUsedAt?.toISOString() ?? 'never'}`);
    },
  },
  {
    name: 'scim-token revoke',
    summary: 'Revoke a SCIM token by id or name',
    usage: 'tessera scim-token revoke (--id ID | --name NAME) [--json]',
    flags: { id: { type: 'string' }, name: { type: 'string' } },
    async run(a) {
      if (!a.id && !a.name) throw new CliError('--id or --name is required');
      const handle = await db();
      const matches = (await listScimTokens(handle)).filter((t) => (a.id ? t.id === a.id : t.name === a.name) && t.status === 'active');
      if (!matches.length) throw new CliError(`No active SCIM token ${a.id ? `with id ${a.id}` : `named "${a.name}"`}`);
      if (matches.length > 1) throw new CliError(`${matches.length} active SCIM tokens are named "${a.name}"; use --id`);
      await revokeScimToken(handle, cliActor(), matches[0].id);
      return { id: matches[0].id, name: matches[0].name, revoked: true };
    },
    print: (r, io) => io.out(`Revoked SCIM token "${(r as { name: string }).name}".`),
  },
];
