// The signed-in user for server components, tRPC and route handlers: the NextAuth session cookie
// is decoded from the request headers and the user re-validated against the database on every
// request (deactivation, role changes and the team's sign-in rules take effect at once).
import { decode } from 'next-auth/jwt';
import { getDb } from '@/server/db';
import { getSessionUser, type SessionUser } from '@/server/services/users/get-session-user';
import { authOptions } from './options';

export type { SessionUser };

const COOKIE_NAMES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  const parts = header.split(/;\s*/);
  const direct = parts.find((p) => p.startsWith(name + '='));
  if (direct) return decodeURIComponent(direct.slice(name.length + 1));
  // NextAuth splits large tokens into name.0, name.1, ...
  const chunks = parts
    .filter((p) => p.startsWith(name + '.'))
    .map((p) => {
      const eq = p.indexOf('=');
      return [Number(p.slice(name.length + 1, eq)), decodeURIComponent(p.slice(eq + 1))] as const;
    })
    .filter(([i]) => Number.isInteger(i))
    .sort((a, b) => a[0] - b[0]);
  return chunks.length ? chunks.map(([, v]) => v).join('') : undefined;
}

export async function getUserFromHeaders(headers: Headers): Promise<SessionUser | null> {
  const cookie = headers.get('cookie');
  const raw = COOKIE_NAMES.map((n) => readCookie(cookie, n)).find(Boolean);
  if (!raw || raw.length > 8192) return null;
  type Claims = { uid?: unknown; sv?: unknown; am?: unknown };
  let token: Claims | null;
  try {
    token = (await decode({ token: raw, secret: authOptions().secret! })) as Claims | null;
  } catch {
    return null;
  }
  if (!token || typeof token.uid !== 'string' || typeof token.sv !== 'number') return null;
  // `am` (how the session was opened) is set by the jwt callback in options.ts.
  return getSessionUser(await getDb(), token.uid, token.sv, token.am === 'entra' ? 'entra' : 'password');
}

export async function getCurrentUser(): Promise<SessionUser | null> {
  const { headers } = await import('next/headers');
  return getUserFromHeaders(await headers());
}
