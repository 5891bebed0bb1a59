// Invitation links carry `tinv_` + 256 random bits (base64url); only the SHA-256 is stored.
import { generateToken } from '@/lib/tokens';
import type { InvitationStatus } from '@/server/db/schema';

export const INVITATION_PREFIX = 'tinv';
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const SHAPE = /^tinv_[A-Za-z0-9_-]{43}$/;

export const newInvitationToken = () => generateToken(INVITATION_PREFIX);
export const looksLikeInvitationToken = (token: string) => SHAPE.test(token);

export function invitationStatus(row: { revokedAt: Date | null; acceptedAt: Date | null; expiresAt: Date }, now = Date.now()): InvitationStatus {
  if (row.acceptedAt) return 'accepted';
  if (row.revokedAt) return 'revoked';
  if (row.expiresAt.getTime() <= now) return 'expired';
  return 'pending';
}
