// Whether people may sign in with a local password, and whether an Owner could turn that off now:
// only when Entra ID is connected and an active Owner has signed in through it since its settings
// were last saved (so turning passwords off cannot lock every Owner out).
import { and, desc, eq, gte, isNull } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { identityProviders, teams, users } from '@/server/db/schema';

export interface PasswordSignInStatus {
  enabled: boolean;
  idpConfigured: boolean;
  /** Active Owners who have signed in with Entra ID since its settings were last saved. */
  ssoOwners: string[];
  /** Why password sign-in could not be turned off now; null when it could. */
  disableBlockedBy: string | null;
}

export const NO_IDP_MESSAGE =
  'Connect Microsoft Entra ID first: with password sign-in off, single sign-on is the only way in.';
export const NO_SSO_OWNER_MESSAGE =
  'No Owner has signed in with Microsoft Entra ID since its settings were last saved. Sign in with Entra ID as an Owner first, so that someone can still get in once passwords are off.';

export async function getPasswordSignInStatus(db: Db): Promise<PasswordSignInStatus> {
  const [team] = await db.select({ enabled: teams.passwordSignInEnabled }).from(teams).limit(1);
  const [idp] = await db.select({ updatedAt: identityProviders.updatedAt }).from(identityProviders).where(eq(identityProviders.kind, 'entra')).limit(1);
  const ssoOwners = idp ? await activeSsoOwners(db, idp.updatedAt) : [];
  return {
    enabled: team?.enabled ?? true,
    idpConfigured: !!idp,
    ssoOwners,
    disableBlockedBy: !idp ? NO_IDP_MESSAGE : ssoOwners.length === 0 ? NO_SSO_OWNER_MESSAGE : null,
  };
}

export async function activeSsoOwners(db: Db, since: Date): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(users)
    .where(and(eq(users.role, 'owner'), eq(users.active, true), isNull(users.deletedAt), gte(users.lastSsoSignInAt, since)))
    .orderBy(desc(users.lastSsoSignInAt))
    .limit(20);
  return rows.map((r) => r.email);
}
