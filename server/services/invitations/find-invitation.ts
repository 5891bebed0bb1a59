// What the invitation page shows for a link: the invitee's address and team while the invitation
// is pending, only its state otherwise. Tokens are looked up by hash and compared in constant time.
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { invitations, teams, type Invitation, type InvitationStatus } from '@/server/db/schema';
import { hashToken, safeEqual } from '@/lib/tokens';
import { invitationStatus, looksLikeInvitationToken } from './invitation-token';

export type InvitationLookup =
  | { state: 'pending'; email: string; name: string | null; teamName: string; expiresAt: Date; passwordSignIn: boolean }
  | { state: Exclude<InvitationStatus, 'pending'> | 'invalid' };

export async function invitationByToken(db: Db, token: string): Promise<Invitation | null> {
  if (!looksLikeInvitationToken(token)) return null;
  const hash = hashToken(token);
  const [row] = await db.select().from(invitations).where(eq(invitations.tokenHash, hash)).limit(1);
  return row && safeEqual(row.tokenHash, hash) ? row : null;
}

export async function findInvitation(db: Db, token: string): Promise<InvitationLookup> {
  const row = await invitationByToken(db, token);
  if (!row) return { state: 'invalid' };
  const state = invitationStatus(row);
  if (state !== 'pending') return { state };
  const [team] = await db.select({ name: teams.name, passwordSignInEnabled: teams.passwordSignInEnabled }).from(teams).limit(1);
  return {
    state,
    email: row.email,
    name: row.name,
    teamName: team?.name ?? 'Tessera',
    expiresAt: row.expiresAt,
    passwordSignIn: team?.passwordSignInEnabled ?? true,
  };
}
