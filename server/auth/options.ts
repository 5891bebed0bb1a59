// NextAuth (v4) configuration. Sessions are signed JWT cookies keyed from TESSERA_SECRET, so they
// survive restarts and work across instances; each request re-checks the user row, so deactivation
// or a role change ends sessions at once (see getCurrentUser).
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { env } from '@/lib/env';
import { deriveKey } from '@/lib/secret';
import { getDb } from '@/server/db';
import { authenticatePassword } from '@/server/services/users/authenticate-password';
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
            return null;
          }
          const u = result.user;
          return { id: u.id, email: u.email, name: u.name, sessionVersion: u.sessionVersion };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 1;
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
