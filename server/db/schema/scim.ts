// SCIM 2.0 provisioning (RFC 7643/7644): groups an identity provider pushes, their memberships in a
// join table (so adding one member to a group of thousands is one row), and the bearer tokens the
// provider authenticates with. Users are the `users` table itself (see users.ts).
import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

export const scimGroups = pgTable(
  'scim_groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    displayName: text('display_name').notNull(),
    externalId: text('external_id'),
    // The group resource as last written, without id, meta and members.
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('scim_groups_display_name_idx').on(sql`lower(${t.displayName})`),
    index('scim_groups_external_id_idx').on(t.externalId),
    index('scim_groups_created_idx').on(t.createdAt, t.id),
  ],
);
export type ScimGroup = typeof scimGroups.$inferSelect;

export const scimGroupMembers = pgTable(
  'scim_group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => scimGroups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('scim_group_members_user_idx').on(t.userId)],
);

// Only the SHA-256 of a token is stored; `prefix` lets an admin tell tokens apart. Several may be
// active at once so that a provider can be switched to a new token before the old one is revoked.
export const scimTokens = pgTable(
  'scim_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    prefix: text('prefix').notNull(),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdByLabel: text('created_by_label').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('scim_tokens_hash_idx').on(t.tokenHash), index('scim_tokens_created_idx').on(t.createdAt)],
);
export type ScimToken = typeof scimTokens.$inferSelect;
