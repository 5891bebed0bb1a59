// POST /Users (RFC 7644 §3.3). A provisioned user is a Tessera user with role 'user' and source
// 'scim'. A userName already in use is a 409 uniqueness clash; a user the provider deleted earlier
// is restored, and a local user with the same email is linked rather than duplicated.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { users } from '@/server/db/schema';
import { ScimError } from '@/lib/scim/errors';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { deprovisionUserInTx, publishRevocations } from '../users/deprovision-user';
import { normalizeUser, renderUser, type Json } from './scim-resource';
import { linkOwnedDevices, saveScimUser, type SavedUser } from './scim-users-store';

export async function createScimUser(db: Db, actor: Actor, input: { body: unknown; baseUrl: string }): Promise<Json> {
  const next = normalizeUser(input.body);
  const { columns } = next;
  const saved = await db.transaction(async (tx): Promise<SavedUser> => {
    const [byUserName] = await tx.select().from(users).where(sql`lower(${users.userName}) = lower(${columns.userName})`).for('update');
    if (byUserName && !byUserName.deletedAt) {
      throw new ScimError(409, `A user with the userName "${columns.userName}" already exists`, 'uniqueness');
    }
    let existing = byUserName;
    if (!existing) {
      const [byEmail] = await tx.select().from(users).where(sql`lower(${users.email}) = lower(${columns.email})`).for('update');
      if (byEmail && byEmail.userName !== null && !byEmail.deletedAt) {
        throw new ScimError(409, `A user with the email "${columns.email}" already exists`, 'uniqueness');
      }
      existing = byEmail;
    }
    if (existing) {
      const linked = existing.deletedAt ? 'restored deleted user' : 'linked local user';
      return saveScimUser(tx, actor, existing, next, { action: 'scim.user.create', details: { userName: columns.userName, externalId: columns.externalId, linked } });
    }

    const [created] = await tx
      .insert(users)
      .values({
        email: columns.email,
        name: columns.name,
        role: 'user',
        source: 'scim',
        active: true,
        userName: columns.userName,
        externalId: columns.externalId,
        scimAttributes: next.document,
      })
      .returning();
    await linkOwnedDevices(tx, created.id, created.email);
    await recordAudit(tx, actor, {
      action: 'scim.user.create',
      targetType: 'user',
      targetId: created.id,
      targetLabel: created.email,
      details: { userName: columns.userName, externalId: columns.externalId },
    });
    if (columns.active) return { user: created, crlAuthorityIds: [] };
    // Created inactive: devices already recorded under the email are flagged like any deprovisioning.
    const outcome = await deprovisionUserInTx(tx, actor, created, 'deactivated');
    const [user] = await tx.select().from(users).where(eq(users.id, created.id));
    return { user, crlAuthorityIds: outcome.crlAuthorityIds };
  });
  await publishRevocations(db, saved.crlAuthorityIds);
  return renderUser(saved.user, input.baseUrl);
}
