// A local OpenID Provider (oidc-provider) standing in for Microsoft Entra ID in tests: it issues ID
// tokens with Entra's claims (oid, tid, email, preferred_username, name). Its development login
// form accepts any login and password; the login picks the account from `accounts`, and an
// unlisted login gets a fresh object id and <login>@<domain>.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

export interface EntraStandInAccount {
  oid: string;
  email: string;
  name: string;
}

export interface EntraStandIn {
  issuer: string;
  metadataUrl: string;
  clientId: string;
  clientSecret: string;
  tenantId: string;
  close(): Promise<void>;
}

export async function startEntraStandIn(opts: {
  redirectUris: string[];
  tenantId: string;
  accounts?: Record<string, EntraStandInAccount>;
  unknownDomain?: string;
}): Promise<EntraStandIn> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = `tessera-${randomUUID()}`;
  const clientSecret = randomUUID() + randomUUID();
  const unknownIds = new Map<string, string>();

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub', 'oid', 'tid'], email: ['email'], profile: ['name', 'preferred_username'] },
    // Entra puts the requested claims in the ID token, which is what Tessera reads.
    conformIdTokenClaims: false,
    cookies: { keys: [randomUUID()] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const known = opts.accounts?.[id];
      if (!known && !unknownIds.has(id)) unknownIds.set(id, randomUUID());
      const account = known ?? { oid: unknownIds.get(id)!, email: `${id}@${opts.unknownDomain ?? 'stranger.test'}`, name: id };
      return {
        accountId: id,
        async claims() {
          return { sub: id, oid: account.oid, tid: opts.tenantId, email: account.email, preferred_username: account.email, name: account.name };
        },
      };
    },
  });
  // oidc-provider logs every dev-interaction warning; tests only need errors.
  provider.on('server_error', (_ctx, err) => console.error('[entra-stand-in]', err));
  server.on('request', provider.callback());

  return {
    issuer,
    metadataUrl: `${issuer}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    tenantId: opts.tenantId,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
