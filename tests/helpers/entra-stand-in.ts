// A local OpenID Provider (oidc-provider) standing in for Microsoft Entra ID in tests: it issues ID
// tokens with Entra's claims (oid, tid, email, preferred_username, name). Its development login
// form accepts any login and password; the login picks the account from `accounts`, and an
// unlisted login gets a fresh object id and <login>@<domain>. `tamperIdTokens` makes it issue bad
// ID tokens (wrong audience, issuer, tenant or nonce, expired, or signed with a stranger's key):
// the token endpoint's ID token is rewritten and re-signed with the provider's own key.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import Provider from 'oidc-provider';

export interface EntraStandInAccount {
  oid: string;
  email: string;
  name: string;
}

/** Rewrites an ID token's claims; `foreignKey` signs it with a key the provider never published. */
export interface IdTokenTamper {
  claims?(claims: Record<string, unknown>): Record<string, unknown>;
  foreignKey?: boolean;
}

export interface EntraStandIn {
  issuer: string;
  metadataUrl: string;
  clientId: string;
  clientSecret: string;
  tenantId: string;
  /** From now on, ID tokens from the token endpoint are rewritten this way (null: issue them as is). */
  tamperIdTokens(tamper: IdTokenTamper | null): void;
  close(): Promise<void>;
}

const KID = 'entra-stand-in-1';

function resign(idToken: string, tamper: IdTokenTamper, key: KeyObject): string {
  const [h, p] = idToken.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (header.alg !== 'RS256') throw new Error(`the stand-in signs with RS256, not ${String(header.alg)}`);
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${enc(header)}.${enc(tamper.claims ? tamper.claims(claims) : claims)}`;
  const signingKey = tamper.foreignKey ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : key;
  return `${input}.${sign('sha256', Buffer.from(input), signingKey).toString('base64url')}`;
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
  // Our own signing key (instead of oidc-provider's development key) so that tampered tokens can be re-signed.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let tamper: IdTokenTamper | null = null;

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
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: KID, use: 'sig', alg: 'RS256' }] },
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
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: unknown } | undefined;
    if (tamper && ctx.method === 'POST' && ctx.path === '/token' && body && typeof body.id_token === 'string') {
      ctx.body = { ...body, id_token: resign(body.id_token, tamper, privateKey) };
    }
  });
  server.on('request', provider.callback());

  return {
    issuer,
    metadataUrl: `${issuer}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    tenantId: opts.tenantId,
    tamperIdTokens: (t) => {
      tamper = t;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
