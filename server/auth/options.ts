// NextAuth (v4) configuration. Sessions are signed JWT cookies keyed from TESSERA_SECRET, so they
// survive restarts and work across instances; each request re-checks the user row, so deactivation
// or a role change ends sessions at once (see getCurrentUser). The Entra ID provider is built from
// the stored settings on every auth request (authOptionsForRequest), so connecting it needs no restart.
import type { NextAuthOptions } from 'next-auth';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { env } from '@/lib/env';
import { deriveKey } from '@/lib/secret';
import { getDb } from '@/server/db';
import { authenticatePassword } from '@/server/services/users/authenticate-password';
import { loadEntraIdpForSignIn, type EntraIdpForSignIn } from '@/server/services/identity/get-entra-idp';
import { signInWithEntra, type EntraClaims, type EntraSignInRefusal } from '@/server/services/identity/sign-in-with-entra';
import { clientIp } from './request-ip';

export const SESSION_MAX_AGE = 12 * 60 * 60;

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const e = env();
  process.env.NEXTAUTH_URL ??= e.TESSERA_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  cached = {
    secret: deriveKey('nextauth-session').toString('base64'),
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE, updateAge: 60 * 60 },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Email and password',
        credentials: { email: { type: 'email' }, password: { type: 'password' } },
        async authorize(credentials, req) {
          const email = String(credentials?.email ?? '').slice(0, 254);
          const password = String(credentials?.password ?? '').slice(0, 256);
          if (!email || !password) return null;
          const headers = new Headers(req?.headers as Record<string, string> | undefined);
          const result = await authenticatePassword(await getDb(), email, password, clientIp(headers));
          if (!result.ok) {
            if (result.reason === 'inactive') throw new Error('AccountDisabled');
            if (result.reason === 'password_disabled') throw new Error('PasswordSignInDisabled');
            return null;
          }
          const u = result.user;
          return { id: u.id, email: u.email, name: u.name, sessionVersion: u.sessionVersion };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user, account }) {
        if (user) {
          const u = user as { id: string; tesseraUserId?: string; sessionVersion?: number };
          // An OAuth user's id is the provider's; the signIn callback put the Tessera user on it.
          if (account?.type === 'oauth' && !u.tesseraUserId) throw new Error('OAuth sign-in without a Tessera user');
          token.uid = u.tesseraUserId ?? u.id;
          token.sub = token.uid as string;
          token.sv = u.sessionVersion ?? 1;
          // How the session was opened: password sessions end when password sign-in is turned off.
          token.am = account?.provider === ENTRA_PROVIDER_ID ? 'entra' : 'password';
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, uid: token.uid as string, sv: token.sv as number };
      },
    },
    logger: {
      // NextAuth's default logger prints request details; keep errors terse and free of secrets.
      error: (code) => console.error(`[auth] ${code}`),
      warn: () => {},
      debug: () => {},
    },
  };
  return cached;
}

// Error codes for /signin?error=..., shown by components/auth/sign-in-form.tsx.
const refusalCodes: Record<EntraSignInRefusal, string> = {
  wrong_tenant: 'EntraWrongTenant',
  unknown: 'EntraUnknownUser',
  mismatch: 'EntraUnknownUser',
  inactive: 'AccountDisabled',
};

export const ENTRA_PROVIDER_ID = 'entra';

export function entraProvider(idp: EntraIdpForSignIn): OAuthConfig<EntraClaims & { sub: string }> {
  return {
    id: ENTRA_PROVIDER_ID,
    name: 'Microsoft Entra ID',
    type: 'oauth',
    wellKnown: idp.metadataUrl,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    authorization: { params: { scope: 'openid email profile' } },
    checks: ['pkce', 'state', 'nonce'],
    // Claims come from the ID token, whose signature, issuer, audience, expiry and nonce
    // openid-client has verified.
    idToken: true,
    profile(claims) {
      const id = (typeof claims.oid === 'string' && claims.oid) || claims.sub;
      const email = [claims.email, claims.preferred_username].find((v): v is string => typeof v === 'string' && v.length > 0);
      return { id, email: email ?? null, name: typeof claims.name === 'string' ? claims.name : null };
    },
  };
}

/** The options for one auth request: the base options plus Entra ID when it is connected. */
export async function authOptionsForRequest(headers?: Headers): Promise<NextAuthOptions> {
  const base = authOptions();
  const idp = await loadEntraIdpForSignIn(await getDb());
  if (!idp) return base;
  const origin = process.env.NEXTAUTH_URL!.replace(/\/+$/, '');
  return {
    ...base,
    providers: [...base.providers, entraProvider(idp)],
    callbacks: {
      ...base.callbacks,
      async signIn({ user, account, profile }) {
        if (account?.provider !== ENTRA_PROVIDER_ID) return true;
        const claims = (profile ?? {}) as EntraClaims & { iss?: unknown };
        // openid-client checked iss against the discovered metadata; the stored issuer pins it to
        // the document the Owner validated.
        if (claims.iss !== idp.issuer) return `${origin}/signin?error=EntraWrongTenant`;
        const result = await signInWithEntra(await getDb(), claims, idp.tenantId, headers ? clientIp(headers) : null);
        if (!result.ok) return `${origin}/signin?error=${refusalCodes[result.reason]}`;
        Object.assign(user, { tesseraUserId: result.user.id, sessionVersion: result.user.sessionVersion, email: result.user.email });
        return true;
      },
    },
  };
}
