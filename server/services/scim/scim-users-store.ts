// Reads and writes of SCIM-visible users shared by the User verbs. A user is visible to SCIM once it
// has a userName (provisioned or linked by the provider) and until it is deleted.
import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { devices, scimGroupMembers, scimGroups, users, type User } from '@/server/db/schema';
import { ScimError } from '@/lib/scim/errors';
import { recordAudit, type AuditInput } from '../audit/record-audit';
import type { Actor } from '../actor';
import { deprovisionUserInTx } from '../users/deprovision-user';
import { reactivateUserInTx } from '../users/reactivate-user';
import type { GroupRef, NormalizedUser } from './scim-resource';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID.test(value);

export const scimVisibleUser = and(isNotNull(users.userName), isNull(users.deletedAt))!;

export function userNotFound(id: string): ScimError {
  return new ScimError(404, `User ${id} not found`);
}

/** The SCIM-visible user with this id, locked for update when `lock` is set; 404 otherwise. */
export async function findScimUser(db: Db, id: string, lock = false): Promise<User> {
  if (!isUuid(id)) throw userNotFound(id);
  const query = db.select().from(users).where(and(eq(users.id, id), scimVisibleUser));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw userNotFound(id);
  return row;
}

export async function groupsOfUsers(db: Db, userIds: string[]): Promise<Map<string, GroupRef[]>> {
  const result = new Map<string, GroupRef[]>();
  if (userIds.length === 0) return result;
  const rows = await db
    .select({ userId: scimGroupMembers.userId, id: scimGroups.id, displayName: scimGroups.displayName })
    .from(scimGroupMembers)
    .innerJoin(scimGroups, eq(scimGroups.id, scimGroupMembers.groupId))
    .where(inArray(scimGroupMembers.userId, userIds))
    .orderBy(scimGroups.displayName);
  for (const row of rows) {
    const list = result.get(row.userId) ?? [];
    list.push({ value: row.id, display: row.displayName });
    result.set(row.userId, list);
  }
  return result;
}

/** Devices recorded with this owner email but no linked user become the user's. */
export async function linkOwnedDevices(tx: Db, userId: string, email: string): Promise<void> {
  await tx
    .update(devices)
    .set({ ownerUserId: userId })
    .where(and(isNull(devices.ownerUserId), sql`lower(${devices.ownerEmail}) = lower(${email})`));
}

export interface SavedUser {
  user: User;
  crlAuthorityIds: string[];
}

/**
 * Writes a new state of an existing user row (update, replace, or a POST that restores a deleted
 * user or links a local one), then deprovisions or reactivates when `active` changed. The role is
 * never touched: a provider manages identities, Owners manage rights.
 */
export async function saveScimUser(tx: Db, actor: Actor, current: User, next: NormalizedUser, audit: AuditInput): Promise<SavedUser> {
  const { columns, document } = next;
  const [written] = await tx
    .update(users)
    .set({
      userName: columns.userName,
      externalId: columns.externalId,
      email: columns.email,
      name: columns.name,
      scimAttributes: document,
      source: 'scim',
      deletedAt: null,
      updatedAt: new Date(),
    })
    .where(eq(users.id, current.id))
    .returning();
  if (written.email !== current.email) await linkOwnedDevices(tx, current.id, written.email);
  await recordAudit(tx, actor, { targetType: 'user', targetId: current.id, targetLabel: written.email, ...audit });

  let crlAuthorityIds: string[] = [];
  if (current.active && !columns.active) {
    crlAuthorityIds = (await deprovisionUserInTx(tx, actor, written, 'deactivated')).crlAuthorityIds;
  } else if (!current.active && columns.active) {
    await reactivateUserInTx(tx, actor, written);
  }
  const [user] = await tx.select().from(users).where(eq(users.id, current.id));
  return { user, crlAuthorityIds };
}
