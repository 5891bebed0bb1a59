// The signed-in user for server components, tRPC and route handlers, re-validated against the
// database on every request.
import { getServerSession } from 'next-auth';
import { getDb } from '@/server/db';
import { getSessionUser, type SessionUser } from '@/server/services/users/get-session-user';
import { authOptions } from './options';

export type { SessionUser };

export async function getCurrentUser(): Promise<SessionUser | null> {
  const session = (await getServerSession(authOptions())) as { uid?: string; sv?: number } | null;
  if (!session?.uid) return null;
  return getSessionUser(await getDb(), session.uid, session.sv ?? 0);
}
