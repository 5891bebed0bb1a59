// `tessera idp set-entra|show|remove`: the same service as the console (metadata fetched and
// checked unless --no-verify), the secret read from standard input and never printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommands, type Io } from '@/server/cli/framework';
import { commands } from '@/server/cli/main';
import { auditLog, identityProviders } from '@/server/db/schema';
import { loadEntraIdpForSignIn } from '@/server/services/identity/get-entra-idp';
import { installTestDb, type TestDb } from '../helpers/db';
import { startEntraStandIn, type EntraStandIn } from '../helpers/entra-stand-in';
import { seedTeam } from '../helpers/fixtures';

const TENANT = '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d';
let t: TestDb;
let idp: EntraStandIn;

beforeAll(async () => {
  t = await installTestDb();
  await seedTeam(t.db);
  idp = await startEntraStandIn({ redirectUris: ['http://localhost:3000/api/auth/callback/entra'], tenantId: TENANT });
});
afterAll(async () => {
  await idp?.close();
  await t?.destroy();
});

async function cli(argv: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin };
  const code = await runCommands(commands, argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('tessera idp', () => {
  it('lists the identity commands in --help', async () => {
    const help = await cli(['--help']);
    for (const name of ['idp set-entra', 'idp show', 'idp remove', 'auth password-signin enable', 'auth password-signin disable', 'auth password-signin status'])
      expect(help.out).toContain(name);
    expect((await cli(['idp', 'set-entra', '--help'])).out).toMatch(/--client-secret-stdin/);
  });

  it('shows that nothing is connected yet', async () => {
    const shown = await cli(['idp', 'show']);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/not connected/);
    expect(JSON.parse((await cli(['idp', 'show', '--json'])).out)).toMatchObject({ entra: null, passwordSignIn: { enabled: true, idpConfigured: false } });
  });

  it('refuses bad input with a clear message and exit code', async () => {
    expect((await cli(['idp', 'set-entra', '--tenant-id', TENANT, '--client-secret-stdin'], 's'))).toMatchObject({ code: 1, err: expect.stringMatching(/--client-id is required/) });
    expect((await cli(['idp', 'set-entra', '--client-id', 'c', '--tenant-id', TENANT]))).toMatchObject({ code: 1, err: expect.stringMatching(/--client-secret-stdin is required/) });
    expect((await cli(['idp', 'set-entra', '--client-id', 'c', '--tenant-id', TENANT, '--client-secret-stdin'], ''))).toMatchObject({ code: 1, err: expect.stringMatching(/Standard input was empty/) });
    expect((await cli(['idp', 'set-entra', '--client-id', 'c', '--tenant-id', 'contoso', '--client-secret-stdin'], 's')).err).toMatch(/Directory \(tenant\) ID/);
    const wrongUrl = await cli(['idp', 'set-entra', '--client-id', 'c', '--tenant-id', TENANT, '--client-secret-stdin', '--metadata-url', `${idp.issuer}/nope`, '--json'], 's');
    expect(wrongUrl.code).toBe(1);
    expect(JSON.parse(wrongUrl.out).error).toMatch(/answered HTTP 404/);
    expect((await cli(['idp', 'set-entra', '--colour'])).code).toBe(2);
    expect(await t.db.select().from(identityProviders)).toHaveLength(0);
  });

  it('connects Entra ID after checking the metadata; the secret comes from stdin and is never shown', async () => {
    const res = await cli(['idp', 'set-entra', '--client-id', idp.clientId, '--tenant-id', TENANT, '--client-secret-stdin', '--metadata-url', idp.metadataUrl, '--json'], `${idp.clientSecret}\n`);
    expect(res.code, res.err).toBe(0);
    const saved = JSON.parse(res.out);
    expect(saved).toMatchObject({ clientId: idp.clientId, tenantId: TENANT, issuer: idp.issuer, verified: true, redirectUri: expect.stringMatching(/\/api\/auth\/callback\/entra$/) });
    expect(res.out).not.toContain(idp.clientSecret);
    expect((await loadEntraIdpForSignIn(t.db))!.clientSecret).toBe(idp.clientSecret);
    const [audit] = (await t.db.select().from(auditLog)).filter((a) => a.action === 'identity_provider.create');
    expect(audit.actorType).toBe('cli');

    const shown = await cli(['idp', 'show']);
    expect(shown.out).toContain(`Tenant ID:    ${TENANT}`);
    expect(shown.out).toContain('stored encrypted');
    expect(shown.out).not.toContain(idp.clientSecret);
    expect((await cli(['idp', 'show', '--json'])).out).not.toContain(idp.clientSecret);
  });

  it('edits without --client-secret-stdin, keeping the stored secret', async () => {
    const res = await cli(['idp', 'set-entra', '--client-id', 'renamed-client', '--tenant-id', TENANT, '--metadata-url', idp.metadataUrl]);
    expect(res.code, res.err).toBe(0);
    expect(await loadEntraIdpForSignIn(t.db)).toMatchObject({ clientId: 'renamed-client', clientSecret: idp.clientSecret });
  });

  it('--no-verify stores settings for a server that cannot reach Entra yet, the issuer derived from the URL', async () => {
    const res = await cli(['idp', 'set-entra', '--client-id', 'offline', '--tenant-id', TENANT, '--client-secret-stdin', '--no-verify', '--json'], 'offline-secret');
    expect(res.code, res.err).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({
      verified: false,
      metadataUrl: `https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`,
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    });
    const odd = await cli(['idp', 'set-entra', '--client-id', 'x', '--tenant-id', TENANT, '--no-verify', '--metadata-url', 'https://idp.example/metadata']);
    expect(odd).toMatchObject({ code: 1, err: expect.stringMatching(/must end with \/\.well-known\/openid-configuration/) });
  });

  it('removes the connection', async () => {
    const res = await cli(['idp', 'remove']);
    expect(res.code, res.err).toBe(0);
    expect(res.out).toMatch(/removed/);
    expect(await t.db.select().from(identityProviders)).toHaveLength(0);
    expect(await cli(['idp', 'remove'])).toMatchObject({ code: 1, err: expect.stringMatching(/not found/) });
  });
});
