// POST /Users (RFC 7644 §3.3). A provisioned user is a Tessera user with role 'user' and source
// 'scim'. A userName already in use is a 409 uniqueness clash; a user the provider deleted earlier
// is restored, and a local user with the same email is linked rather than duplicated.
// Entra's initial cycle creates thousands of users whose userName and email nobody holds yet: that
// case is one statement (insert, link devices, audit); any unique clash falls back to the full
// path, which reads and locks the clashing rows.
import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { auditLog, devices, users, type User } from '@/server/db/schema';
import { ScimError } from '@/lib/scim/errors';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { isUniqueViolation } from '../errors';
import { deprovisionUserInTx, publishRevocations } from '../users/deprovision-user';
import { normalizeUser, renderUser, type Json, type NormalizedUser } from './scim-resource';
import { auditParams, auditPlaceholders, prepareOnce } from './prepared-queries';
import { linkOwnedDevices, saveScimUser, type SavedUser } from './scim-users-store';

export async function createScimUser(db: Db, actor: Actor, input: { body: unknown; baseUrl: string }): Promise<Json> {
  const next = normalizeUser(input.body);
  const { columns } = next;
  const inserted = columns.active ? await insertNewUser(db, actor, next) : undefined;
  if (inserted) return renderUser(inserted, input.baseUrl);
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

// The insert, the devices recorded under the email, and the audit row, as one prepared statement.
const insertUser = prepareOnce((db) => {
  const value = sql.placeholder;
  const created = db.$with('created').as(
    db
      .insert(users)
      .values({
        id: value('id'),
        email: value('email'),
        name: value('name'),
        role: 'user',
        source: 'scim',
        active: true,
        userName: value('userName'),
        externalId: value('externalId'),
        scimAttributes: value('document'),
      })
      .returning(),
  );
  const linked = db.$with('linked').as(
    db
      .update(devices)
      .set({ ownerUserId: sql`${value('id')}` })
      .where(and(isNull(devices.ownerUserId), sql`lower(${devices.ownerEmail}) = lower(${value('email')})`)),
  );
  const audited = db.$with('audited').as(db.insert(auditLog).values(auditPlaceholders()));
  return db.with(created, linked, audited).select().from(created).prepare('scim_create_user');
});

/**
 * The new, active user whose userName and email no row holds (deleted or local ones included), in
 * one statement. Any unique clash rolls the whole statement back and answers undefined.
 */
async function insertNewUser(db: Db, actor: Actor, next: NormalizedUser): Promise<User | undefined> {
  const { columns } = next;
  // Chosen here so the devices and the audit row can name the user within the same statement.
  const id = randomUUID();
  const audit = auditParams(actor, {
    action: 'scim.user.create',
    targetType: 'user',
    targetId: id,
    targetLabel: columns.email,
    details: { userName: columns.userName, externalId: columns.externalId },
  });
  try {
    const [user] = await insertUser(db).execute({
      id,
      email: columns.email,
      name: columns.name,
      userName: columns.userName,
      externalId: columns.externalId,
      document: next.document,
      ...audit,
    });
    return user;
  } catch (err) {
    if (isUniqueViolation(err)) return undefined;
    throw err;
  }
}
