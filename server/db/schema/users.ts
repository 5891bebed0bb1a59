import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const userRole = pgEnum('user_role', ['owner', 'admin', 'user']);
export type UserRole = (typeof userRole.enumValues)[number];

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name'),
    role: userRole('role').notNull().default('user'),
    passwordHash: text('password_hash'),
    source: text('source', { enum: ['local', 'scim'] }).notNull().default('local'),
    active: boolean('active').notNull().default(true),
    // Bumped to end every session of the user at once (deactivation, password or role change).
    sessionVersion: integer('session_version').notNull().default(1),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    // The last sign-in through the identity provider (Entra ID): proof that SSO works for this user.
    lastSsoSignInAt: timestamp('last_sso_sign_in_at', { withTimezone: true }),
    // SCIM 2.0 (RFC 7643 §4.1): set for users an identity provider provisions, null for local ones.
    userName: text('user_name'),
    externalId: text('external_id'),
    // The SCIM resource as the provider last wrote it (without id and meta), so every value,
    // extension and unknown attribute is returned exactly as stored.
    scimAttributes: jsonb('scim_attributes').$type<Record<string, unknown>>(),
    // A SCIM DELETE: the row stays for the audit trail and the devices it owned.
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`),
    index('users_role_idx').on(t.role),
    uniqueIndex('users_user_name_lower_idx').on(sql`lower(${t.userName})`),
    index('users_external_id_idx').on(t.externalId),
    // SCIM lists page through users in creation order.
    index('users_created_idx').on(t.createdAt, t.id),
  ],
);

export type User = typeof users.$inferSelect;
