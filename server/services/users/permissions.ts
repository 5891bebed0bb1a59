// Who may grant which role: Owners create Admins and Owners; Admins manage plain users only.
import type { UserRole } from '@/server/db/schema';
import type { Actor } from '../actor';
import { forbidden } from '../errors';

const rank: Record<UserRole, number> = { user: 0, admin: 1, owner: 2 };

export function assertMayGrant(actor: Actor, role: UserRole) {
  const actorRole = actor.role ?? 'user';
  if (rank[actorRole] < rank.admin) throw forbidden('Only Owners and Admins can manage users');
  if (role !== 'user' && actorRole !== 'owner') throw forbidden('Only Owners can create or promote Admins and Owners');
}

export function assertMayManage(actor: Actor, targetRole: UserRole) {
  const actorRole = actor.role ?? 'user';
  if (rank[actorRole] < rank.admin) throw forbidden('Only Owners and Admins can manage users');
  if (targetRole !== 'user' && actorRole !== 'owner') throw forbidden('Only Owners can change Admins and Owners');
}
