// Maps a validated Entra ID token to a Tessera user: by object id (the SCIM externalId) first,
// then by email. Unknown, deactivated and deleted users are refused; every attempt is audited.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { users, type User } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';

export interface EntraClaims {
  sub?: unknown;
  oid?: unknown;
  tid?: unknown;
  email?: unknown;
  preferred_username?: unknown;
  name?: unknown;
}

export type EntraSignInRefusal = 'wrong_tenant' | 'unknown' | 'inactive' | 'mismatch';
export type EntraSignInResult =
  | { ok: true; user: { id: string; email: string; name: string | null; sessionVersion: number } }
  | { ok: false; reason: EntraSignInRefusal };

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 320) : undefined);

export async function signInWithEntra(db: Db, claims: EntraClaims, tenantId: string, ip?: string | null): Promise<EntraSignInResult> {
  const objectId = str(claims.oid) ?? str(claims.sub);
  const email = (str(claims.email) ?? str(claims.preferred_username))?.toLowerCase();
  const label = email ?? objectId ?? 'unknown';
  const refuse = async (reason: EntraSignInRefusal, user?: User): Promise<EntraSignInResult> => {
    await recordAudit(db, { type: 'user', id: user?.id ?? null, label: user?.email ?? label, ip }, {
      action: 'auth.sign_in.refused',
      targetType: 'user',
      targetId: user?.id ?? null,
      targetLabel: user?.email ?? label,
      details: { method: 'entra', reason, oid: objectId ?? null, tid: str(claims.tid) ?? null },
    });
    return { ok: false, reason };
  };

  if (str(claims.tid)?.toLowerCase() !== tenantId.toLowerCase()) return refuse('wrong_tenant');

  let user: User | undefined;
  if (objectId) [user] = await db.select().from(users).where(eq(users.externalId, objectId)).limit(1);
  if (!user && email) {
    [user] = await db.select().from(users).where(eq(sql`lower(${users.email})`, email)).limit(1);
    // Same address, different directory object: not the person SCIM provisioned.
    if (user?.externalId && objectId && user.externalId !== objectId) return refuse('mismatch', user);
  }
  if (!user) return refuse('unknown');
  if (!user.active || user.deletedAt) return refuse('inactive', user);

  const now = new Date();
  // lastSsoSignInAt is the proof the password sign-in guard asks for (set-password-sign-in.ts).
  await db.update(users).set({ lastSignInAt: now, lastSsoSignInAt: now }).where(and(eq(users.id, user.id)));
  await recordAudit(db, { type: 'user', id: user.id, label: user.email, ip }, {
    action: 'auth.sign_in',
    targetType: 'user',
    targetId: user.id,
    targetLabel: user.email,
    details: { method: 'entra', oid: objectId ?? null },
  });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion } };
}
