import type { Db } from '@/server/db';
import type { Actor } from '@/server/services/actor';
import { setupTeam } from '@/server/services/team/setup-team';
import { createUser } from '@/server/services/users/create-user';
import type { SessionUser } from '@/server/services/users/get-session-user';

export const OWNER_PASSWORD = 'owner-password-123';

export async function seedTeam(db: Db) {
  const { team, owner } = await setupTeam(
    db,
    { teamName: 'Acme', slug: 'acme', ownerEmail: 'owner@acme.test', ownerPassword: OWNER_PASSWORD },
    { type: 'cli' },
  );
  const ownerActor: Actor = { type: 'user', id: owner.id, label: owner.email, role: 'owner' };
  const admin = await createUser(db, ownerActor, { email: 'admin@acme.test', role: 'admin', password: 'admin-password-123' });
  const user = await createUser(db, ownerActor, { email: 'user@acme.test', role: 'user', password: 'user-password-1234' });
  const asSession = (u: { id: string; email: string; role: SessionUser['role'] }): SessionUser => ({
    id: u.id,
    email: u.email,
    name: null,
    role: u.role,
  });
  return {
    team,
    owner: asSession({ ...owner, role: 'owner' }),
    admin: asSession({ ...admin, role: 'admin' }),
    user: asSession({ ...user, role: 'user' }),
    ownerActor,
  };
}

export const actorOf = (u: SessionUser): Actor => ({ type: 'user', id: u.id, label: u.email, role: u.role });

/** A NextAuth session cookie for a user, as the sign-in flow would set it. */
export async function sessionCookie(u: { id: string }, sessionVersion = 1): Promise<string> {
  const { encode } = await import('next-auth/jwt');
  const { authOptions } = await import('@/server/auth/options');
  const token = await encode({ token: { uid: u.id, sv: sessionVersion, sub: u.id }, secret: authOptions().secret! });
  return `next-auth.session-token=${token}`;
}
