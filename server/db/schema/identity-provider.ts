// The identity provider people sign in with (OIDC). One row per kind; today only Microsoft Entra ID.
// The client secret is encrypted at rest (server/services/identity/idp-secret.ts).
import { pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const identityProviders = pgTable(
  'identity_providers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['entra'] }).notNull(),
    clientId: text('client_id').notNull(),
    clientSecretEnc: text('client_secret_enc').notNull(),
    tenantId: text('tenant_id').notNull(),
    metadataUrl: text('metadata_url').notNull(),
    // The issuer the metadata named when it was validated; ID tokens must carry it.
    issuer: text('issuer').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('identity_providers_kind_idx').on(t.kind)],
);
export type IdentityProvider = typeof identityProviders.$inferSelect;
