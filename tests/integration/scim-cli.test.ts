// `tessera scim-token create|list|revoke`: the token printed once works against /scim/v2 until it
// is revoked; list never shows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommands, type Io } from '@/server/cli/framework';
import { commands } from '@/server/cli/main';
import { installTestDb, type TestDb } from '../helpers/db';
import { seedTeam } from '../helpers/fixtures';
import { scimClient } from '../helpers/scim';

let t: TestDb;
beforeAll(async () => {
  t = await installTestDb();
  await seedTeam(t.db);
});
afterAll(() => t.destroy());

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '' };
  const code = await runCommands(commands, argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('tessera scim-token', () => {
  it('creates a token that Entra can use, lists without the secret, and revokes it', async () => {
    const created = await cli(['scim-token', 'create', '--name', 'Entra', '--json']);
    expect(created.code, created.err).toBe(0);
    const { token, tenantUrl } = JSON.parse(created.out);
    expect(token).toMatch(/^tscim_[A-Za-z0-9_-]{43}$/);
    expect(tenantUrl).toMatch(/\/scim\/v2$/);
    expect((await scimClient(token)('GET', 'Users?filter=userName%20eq%20%22x%22')).status).toBe(200);

    const human = await cli(['scim-token', 'create', '--name', 'Entra next']);
    expect(human.out).toMatch(/^tscim_/);
    expect(human.err).toMatch(/shown only this once/);
    expect(human.err).toContain('Tenant URL:');

    const list = await cli(['scim-token', 'list', '--json']);
    expect(list.out).not.toContain(token);
    expect(JSON.parse(list.out).map((r: { name: string; status: string }) => [r.name, r.status])).toEqual([
      ['Entra next', 'active'],
      ['Entra', 'active'],
    ]);

    expect((await cli(['scim-token', 'revoke', '--name', 'Entra'])).out).toBe('Revoked SCIM token "Entra".');
    expect((await scimClient(token)('GET', 'Users')).status).toBe(401);
    expect((await cli(['scim-token', 'revoke', '--name', 'Entra'])).err).toMatch(/No active SCIM token named "Entra"/);
    expect((await cli(['scim-token', 'list'])).out).toMatch(/Entra\s+tscim_.*revoked/);
  });

  it('fails clearly on bad input', async () => {
    expect((await cli(['scim-token', 'create'])).err).toMatch(/--name is required/);
    expect((await cli(['scim-token', 'revoke'])).err).toMatch(/--id or --name is required/);
    expect((await cli(['scim-token', 'create', '--name', 'x'.repeat(101)])).err).toMatch(/at most 100/);
    expect((await cli(['scim-token', 'list', '--colour'])).code).toBe(2);
  });
});
