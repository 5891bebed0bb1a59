import { sql } from 'drizzle-orm';
import { boolean, check, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const deprovisionActions = ['review', 'revoke'] as const;
export type DeprovisionAction = (typeof deprovisionActions)[number];

// One installation serves one team; `singleton` makes a second row impossible even under a race.
export const teams = pgTable(
  'teams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    singleton: boolean('singleton').notNull().default(true).unique(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    requireApprovalSelfEnrolled: boolean('require_approval_self_enrolled').notNull().default(true),
    requireApprovalMdm: boolean('require_approval_mdm').notNull().default(true),
    idpSelfEnrollment: boolean('idp_self_enrollment').notNull().default(false),
    // What deprovisioning a user (SCIM active:false or DELETE) does to their devices: flag them for
    // an admin's review, or also revoke their certificates and quarantine them.
    deprovisionAction: text('deprovision_action', { enum: deprovisionActions }).notNull().default('review'),
    // Off once the team signs in through its identity provider only; an Owner may turn it off only
    // after SSO has worked for an Owner (server/services/identity/set-password-sign-in.ts).
    passwordSignInEnabled: boolean('password_sign_in_enabled').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('teams_singleton_true', sql`${t.singleton}`)],
);

export type Team = typeof teams.$inferSelect;
