import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommands, type Io } from '@/server/cli/framework';
import { commands } from '@/server/cli/main';
import { installTestDb, type TestDb } from '../helpers/db';

let t: TestDb;
beforeAll(async () => {
  t = await installTestDb();
});
afterAll(() => t.destroy());

async function cli(argv: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin };
  const code = await runCommands(commands, argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('tessera CLI', () => {
  it('prints help for the tool and for each command', async () => {
    const all = await cli(['--help']);
    expect(all.code).toBe(0);
    for (const c of commands) {
      expect(all.out).toContain(c.name);
      const one = await cli([...c.name.split(' '), '--help']);
      expect(one.code).toBe(0);
      expect(one.out).toContain('Usage: tessera');
    }
  });

  it('reports status before setup, sets up once, and refuses a second setup', async () => {
    const before = await cli(['status', '--json']);
    const status = JSON.parse(before.out);
    expect(status).toMatchObject({ setUp: false, database: expect.any(String) });
    expect(status.migrations.applied).toBe(status.migrations.expected);
    const args = ['setup', '--team', 'Acme', '--slug', 'acme', '--owner-email', 'Root@Acme.test', '--owner-password-stdin', '--json'];
    const ok = await cli(args, 'a-long-owner-password\n'.trimEnd());
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ team: { slug: 'acme' }, owner: { email: 'root@acme.test', role: 'owner' } });
    const again = await cli(args, 'a-long-owner-password');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out).error).toMatch(/already set up/);
    expect(again.err).toMatch(/already set up/);
  });

  it('manages users and refuses demoting the last owner', async () => {
    expect((await cli(['user', 'create', '--email', 'ann@acme.test', '--role', 'admin'])).code).toBe(0);
    const list = await cli(['user', 'list', '--json']);
    expect(JSON.parse(list.out).map((u: { email: string }) => u.email)).toEqual(['ann@acme.test', 'root@acme.test']);
    const demote = await cli(['user', 'set-role', '--email', 'root@acme.test', '--role', 'admin']);
    expect(demote.code).toBe(1);
    expect(demote.err).toMatch(/last Owner/);
    const promote = await cli(['user', 'set-role', '--email', 'ann@acme.test', '--role', 'owner', '--json']);
    expect(JSON.parse(promote.out)).toMatchObject({ role: 'owner' });
  });

  it('creates, lists and revokes API tokens; the token works against the REST API until revoked', async () => {
    const created = await cli(['api-token', 'create', '--name', 'ci', '--expires-in', '30d', '--json']);
    expect(created.code).toBe(0);
    const { token, expiresAt } = JSON.parse(created.out);
    expect(token).toMatch(/^tsr_/);
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const { apiClient } = await import('../helpers/rest');
    expect((await apiClient(token).get('/devices')).status).toBe(200);
    const list = await cli(['api-token', 'list', '--json']);
    expect(list.out).not.toContain(token);
    expect(JSON.parse(list.out)[0]).toMatchObject({ name: 'ci', status: 'active' });
    expect((await cli(['api-token', 'revoke', '--name', 'ci'])).code).toBe(0);
    expect((await apiClient(token).get('/devices')).status).toBe(401);
    expect((await cli(['api-token', 'revoke', '--name', 'ci'])).err).toMatch(/No active API token/);
    expect((await cli(['api-token', 'create', '--name', 'x', '--expires-in', 'soon'])).err).toMatch(/--expires-in/);
  });

  it('connects Fleet and shows the authority with its fingerprint and SCEP endpoints', async () => {
    const added = await cli(['fleet', 'add', '--url', 'https://fleet.example.com', '--name', 'Fleet EU', '--token-stdin', '--no-sync', '--json'], 'fleet-api-token');
    expect(added.code, added.err).toBe(0);
    const fleet = JSON.parse(added.out);
    expect(fleet.scepUrl).toMatch(new RegExp(`/scep/${fleet.id}$`));
    expect(fleet.challengeUrl).toMatch(new RegExp(`/webhook/${fleet.id}/challenge$`));
    expect(fleet.challengePassword).toMatch(/^[A-Z0-9]{40}$/);
    const shown = await cli(['ca', 'show', '--json']);
    const ca = JSON.parse(shown.out);
    expect(ca.rootPem).toContain('BEGIN CERTIFICATE');
    expect(ca.rootSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ca.scepEndpoints).toEqual([{ name: 'Fleet EU', scepUrl: fleet.scepUrl, challengeUrl: fleet.challengeUrl }]);
    expect(JSON.stringify(ca)).not.toContain(fleet.challengePassword);
    expect((await cli(['fleet', 'add', '--url', 'https://x.test', '--name', 'fleet eu', '--token-stdin'], 't')).err).toMatch(/already exists/);
    expect((await cli(['fleet', 'add', '--url', 'not a url', '--token-stdin'], 't')).code).toBe(1);
    expect((await cli(['fleet', 'add', '--url', 'https://x.test', '--ca-name', 'bad-name!', '--token-stdin'], 't')).err).toMatch(/letters, digits and underscores/);
  });

  it('fails clearly on bad input', async () => {
    const missing = await cli(['setup', '--team', 'A']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/--owner-password-stdin is required/);
    const badRole = await cli(['user', 'create', '--email', 'x@acme.test', '--role', 'root']);
    expect(badRole.code).toBe(1);
    expect(badRole.err).toMatch(/expected one of/);
    const unknownFlag = await cli(['user', 'list', '--colour']);
    expect(unknownFlag.code).toBe(2);
    const unknownCmd = await cli(['frobnicate']);
    expect(unknownCmd.code).toBe(2);
    expect(unknownCmd.err).toMatch(/unknown command/);
    const noUser = await cli(['user', 'set-role', '--email', 'ghost@acme.test', '--role', 'admin']);
    expect(noUser.err).toMatch(/No user with the email/);
  });
});

describe('MDM commands', () => {
  it('adds Fleet with a first sync, lists, syncs and reports status', async () => {
    const { startFakeFleet } = await import('../fakes/fake-fleet');
    const { startFakeJamf } = await import('../fakes/fake-jamf');
    const fleet = await startFakeFleet({ hostCount: 30 });
    const jamf = await startFakeJamf({ computerCount: 12 });
    try {
      const added = await cli(['fleet', 'add', '--url', fleet.url, '--name', 'Fleet CLI', '--token-stdin', '--json'], fleet.token);
      expect(added.code, added.err).toBe(0);
      expect(JSON.parse(added.out).firstSync).toMatchObject({ status: 'succeeded', fetched: 30 });
      const j = await cli(['jamf', 'add', '--url', jamf.url, '--client-id', jamf.clientId, '--client-secret-stdin', '--name', 'Jamf CLI', '--json'], jamf.clientSecret);
      expect(j.code, j.err).toBe(0);
      expect(JSON.parse(j.out).firstSync).toMatchObject({ status: 'succeeded', fetched: 12 });
      const list = JSON.parse((await cli(['mdm', 'list', '--json'])).out);
      expect(list.map((i: { name: string }) => i.name)).toEqual(expect.arrayContaining(['Fleet CLI', 'Jamf CLI']));
      fleet.hosts.rename(1, 'Renamed by CLI test');
      const synced = await cli(['mdm', 'sync', '--name', 'fleet cli', '--wait', '--json']);
      expect(JSON.parse(synced.out).run).toMatchObject({ status: 'succeeded', updated: 1 });
      const queued = await cli(['mdm', 'sync', '--name', 'Fleet CLI']);
      expect(queued.out).toMatch(/queued/);
      const status = JSON.parse((await cli(['mdm', 'status', '--name', 'Fleet CLI', '--json'])).out);
      expect(status.lastSuccess).toMatchObject({ status: 'succeeded' });
      fleet.revokeToken();
      const failed = await cli(['mdm', 'sync', '--name', 'Fleet CLI', '--wait']);
      expect(failed.code).toBe(1);
      expect(failed.err).toMatch(/401/);
      expect((await cli(['mdm', 'status', '--name', 'nope'])).err).toMatch(/No MDM connection named/);
      expect((await cli(['jamf', 'add', '--url', jamf.url, '--client-id', 'x'])).err).toMatch(/--client-secret-stdin is required/);
    } finally {
      await fleet.close();
      await jamf.close();
    }
  });
});
