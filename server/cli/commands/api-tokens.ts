// API token commands: create (prints the token once), list, revoke.
import { getDbHandle } from '@/server/db';
import { cliActor } from '@/server/services/actor';
import { createApiToken, parseExpiresIn } from '@/server/services/api-tokens/create-api-token';
import { listApiTokens } from '@/server/services/api-tokens/list-api-tokens';
import { revokeApiToken } from '@/server/services/api-tokens/revoke-api-token';
import { CliError, required, type Command } from '../framework';

const db = async () => (await getDbHandle()).db;

export const apiTokenCommands: Command[] = [
  {
    name: 'api-token create',
    summary: 'Create a REST API token (printed once; store it safely)',
    usage: 'tessera api-token create --name NAME [--expires-in 30d] [--json]',
    flags: { name: { type: 'string' }, 'expires-in': { type: 'string' } },
    async run(a) {
      let expiresInDays: number | undefined;
      if (a['expires-in']) {
        try {
          expiresInDays = parseExpiresIn(String(a['expires-in']));
        } catch (e) {
          throw new CliError((e as Error).message);
        }
      }
      const t = await createApiToken(await db(), cliActor(), { name: required(a, 'name'), expiresInDays });
      return { id: t.id, name: t.name, token: t.token, expiresAt: t.expiresAt };
    },
    print: (r, io) => {
      const t = r as { name: string; token: string; expiresAt: Date | null };
      io.out(t.token);
      io.err(`API token "${t.name}" created${t.expiresAt ? `, expires ${t.expiresAt.toISOString().slice(0, 10)}` : ', never expires'}. It is shown only this once.`);
    },
  },
  {
    name: 'api-token list',
    summary: 'List API tokens (never their secret)',
    usage: 'tessera api-token list [--json]',
    flags: {},
    run: async () => listApiTokens(await db()),
    print: (r, io) => {
      const list = r as { id: string; name: string; prefix: string; status: string; lastUsedAt: Date | null }[];
      if (!list.length) return io.out('No API tokens.');
      for (const t of list) io.out(`${t.id}  ${t.name.padEnd(24)} ${t.prefix}…  ${t.status.padEnd(8)} last used ${t.lastUsedAt?.toISOString() ?? 'never'}`);
    },
  },
  {
    name: 'api-token revoke',
    summary: 'Revoke an API token by id or name',
    usage: 'tessera api-token revoke (--id ID | --name NAME) [--json]',
    flags: { id: { type: 'string' }, name: { type: 'string' } },
    async run(a) {
      const handle = await db();
      const all = await listApiTokens(handle);
      const matches = all.filter((t) => (a.id ? t.id === a.id : t.name === a.name) && t.status !== 'revoked');
      if (!a.id && !a.name) throw new CliError('--id or --name is required');
      if (!matches.length) throw new CliError(`No active API token ${a.id ? `with id ${a.id}` : `named "${a.name}"`}`);
      if (matches.length > 1) throw new CliError(`${matches.length} active tokens are named "${a.name}"; use --id`);
      await revokeApiToken(handle, cliActor(), matches[0].id);
      return { id: matches[0].id, name: matches[0].name, revoked: true };
    },
    print: (r, io) => io.out(`Revoked API token "${(r as { name: string }).name}".`),
  },
];
