// Fleet's challenge webhook: checks HTTP Basic credentials (constant time) and hands out a fresh
// single-use challenge. Challenges are uppercase alphanumerics (Windows-safe), 32 characters.
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { integrations, scepChallenges, type Integration } from '@/server/db/schema';
import { verifyPassword } from '@/lib/password';
import { hashToken, safeEqual } from '@/lib/tokens';
import { randomSecret } from '../integrations/create-fleet-integration';

// The challenge password is 200 random bits, so a SHA-256 of it (compared in constant time) is as
// strong as a slow hash and keeps Fleet's one-request-per-enrollment webhook cheap. Hashes written
// by earlier versions with scrypt still verify.
async function passwordMatches(password: string, stored: string | null | undefined): Promise<boolean> {
  if (stored?.startsWith('scrypt$')) return verifyPassword(password, stored);
  return safeEqual(hashToken(password), stored ?? '');
}

export async function checkChallengeCredentials(db: Db, integrationId: string, username: string, password: string): Promise<Integration | null> {
  const [row] = await db.select().from(integrations).where(eq(integrations.id, integrationId));
  const passwordOk = await passwordMatches(password, row?.challengePasswordHash);
  const userOk = safeEqual(username, row?.challengeUsername ?? '\u0000');
  return row && passwordOk && userOk ? row : null;
}

export async function issueChallenge(db: Db, integration: Integration): Promise<string> {
  const challenge = randomSecret(32);
  await db.insert(scepChallenges).values({
    integrationId: integration.id,
    challengeHash: hashToken(challenge),
    expiresAt: new Date(Date.now() + integration.challengeTtlMinutes * 60_000),
  });
  return challenge;
}
