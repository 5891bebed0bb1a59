// POST /Groups (RFC 7644 §3.3). Entra creates a group without members and adds them by PATCH, but
// members in the body are stored too. Without members (Entra's case) the row and its audit row are
// one prepared statement; with members, a transaction.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { auditLog, scimGroups, type ScimGroup } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { auditParams, auditPlaceholders, prepareOnce } from './prepared-queries';
import { normalizeGroup, renderGroup, type Json, type NormalizedGroup } from './scim-resource';
import { addGroupMembers, membersOfGroups } from './scim-groups-store';

export async function createScimGroup(db: Db, actor: Actor, input: { body: unknown; baseUrl: string }): Promise<Json> {
  const next = normalizeGroup(input.body);
  const { memberIds } = next;
  if (!memberIds) return renderGroup(await insertGroup(db, actor, next), input.baseUrl);
  const group = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(scimGroups)
      .values({ displayName: next.displayName, externalId: next.externalId, attributes: next.document })
      .returning();
    const added = await addGroupMembers(tx, row.id, memberIds);
    await recordAudit(tx, actor, {
      action: 'scim.group.create',
      targetType: 'scim_group',
      targetId: row.id,
      targetLabel: row.displayName,
      details: { externalId: row.externalId, membersAdded: added },
    });
    return row;
  });
  return renderGroup(group, input.baseUrl, (await membersOfGroups(db, [group.id])).get(group.id));
}

const insertGroupStatement = prepareOnce((db) => {
  const value = sql.placeholder;
  const created = db.$with('created').as(
    db
      .insert(scimGroups)
      .values({ id: value('id'), displayName: value('displayName'), externalId: value('externalId'), attributes: value('document') })
      .returning(),
  );
  const audited = db.$with('audited').as(db.insert(auditLog).values(auditPlaceholders()));
  return db.with(created, audited).select().from(created).prepare('scim_create_group');
});

async function insertGroup(db: Db, actor: Actor, next: NormalizedGroup): Promise<ScimGroup> {
  // Chosen here so the audit row can name the group within the same statement.
  const id = randomUUID();
  const [row] = await insertGroupStatement(db).execute({
    id,
    displayName: next.displayName,
    externalId: next.externalId,
    document: next.document,
    ...auditParams(actor, {
      action: 'scim.group.create',
      targetType: 'scim_group',
      targetId: id,
      targetLabel: next.displayName,
      details: { externalId: next.externalId, membersAdded: 0 },
    }),
  });
  return row;
}
