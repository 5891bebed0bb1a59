import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { devices } from './devices';
import { authorities, certificates } from './pki';

// ACME (RFC 8555) state for the device-attest-01 flow. Everything lives in the database so any
// instance can answer any request: nonces included.

export const acmeAccountStatuses = ['valid', 'deactivated', 'revoked'] as const;
export const acmeOrderStatuses = ['pending', 'ready', 'processing', 'valid', 'invalid'] as const;
export type AcmeOrderStatus = (typeof acmeOrderStatuses)[number];
export const acmeAuthorizationStatuses = ['pending', 'valid', 'invalid', 'deactivated', 'expired', 'revoked'] as const;
export type AcmeAuthorizationStatus = (typeof acmeAuthorizationStatuses)[number];
export const acmeChallengeStatuses = ['pending', 'processing', 'valid', 'invalid'] as const;
export type AcmeChallengeStatus = (typeof acmeChallengeStatuses)[number];

/** A problem document as stored on an order or challenge (RFC 8555 §6.7). */
export type StoredProblem = { type: string; detail: string; status?: number; subproblems?: unknown[] };

export const acmeAccounts = pgTable(
  'acme_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // The public JWK as the client sent it (public members only) and its RFC 7638 thumbprint.
    jwk: jsonb('jwk').$type<Record<string, string>>().notNull(),
    thumbprint: text('thumbprint').notNull(),
    status: text('status', { enum: acmeAccountStatuses }).notNull().default('valid'),
    contact: text('contact').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('acme_accounts_thumbprint_idx').on(t.thumbprint)],
);
export type AcmeAccount = typeof acmeAccounts.$inferSelect;

export const acmeOrders = pgTable(
  'acme_orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => acmeAccounts.id, { onDelete: 'cascade' }),
    authorityId: uuid('authority_id')
      .notNull()
      .references(() => authorities.id),
    status: text('status', { enum: acmeOrderStatuses }).notNull().default('pending'),
    identifiers: jsonb('identifiers').$type<Array<{ type: string; value: string }>>().notNull(),
    expires: timestamp('expires', { withTimezone: true }).notNull(),
    notBefore: timestamp('not_before', { withTimezone: true }),
    notAfter: timestamp('not_after', { withTimezone: true }),
    error: jsonb('error').$type<StoredProblem>(),
    // Set when the challenge validated: the device the attestation proved, and its key.
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'set null' }),
    attestedPublicKey: text('attested_public_key'),
    certificateId: uuid('certificate_id').references(() => certificates.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('acme_orders_account_idx').on(t.accountId, t.createdAt),
    index('acme_orders_device_idx').on(t.deviceId),
    index('acme_orders_certificate_idx').on(t.certificateId),
  ],
);
export type AcmeOrder = typeof acmeOrders.$inferSelect;

export const acmeAuthorizations = pgTable(
  'acme_authorizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => acmeOrders.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => acmeAccounts.id, { onDelete: 'cascade' }),
    identifierType: text('identifier_type').notNull(),
    identifierValue: text('identifier_value').notNull(),
    status: text('status', { enum: acmeAuthorizationStatuses }).notNull().default('pending'),
    expires: timestamp('expires', { withTimezone: true }).notNull(),
    // base64 DER SubjectPublicKeyInfo of the key the attestation vouched for.
    attestedPublicKey: text('attested_public_key'),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('acme_authorizations_order_idx').on(t.orderId)],
);
export type AcmeAuthorization = typeof acmeAuthorizations.$inferSelect;

export const acmeChallenges = pgTable(
  'acme_challenges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    authorizationId: uuid('authorization_id')
      .notNull()
      .references(() => acmeAuthorizations.id, { onDelete: 'cascade' }),
    type: text('type', { enum: ['device-attest-01'] }).notNull(),
    // 256 random bits, base64url (RFC 8555 §8.1 asks for at least 128).
    token: text('token').notNull(),
    status: text('status', { enum: acmeChallengeStatuses }).notNull().default('pending'),
    validatedAt: timestamp('validated_at', { withTimezone: true }),
    error: jsonb('error').$type<StoredProblem>(),
    // What the attestation proved (format, time, chain, identifiers), also copied to the device.
    evidence: jsonb('evidence').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('acme_challenges_token_idx').on(t.token), index('acme_challenges_authorization_idx').on(t.authorizationId)],
);
export type AcmeChallenge = typeof acmeChallenges.$inferSelect;

// Replay nonces (RFC 8555 §6.5): inserted when handed out, deleted (returning) when used, so a
// nonce works once across all instances. Expired rows are pruned as new ones are issued.
export const acmeNonces = pgTable(
  'acme_nonces',
  {
    value: text('value').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('acme_nonces_expires_idx').on(t.expiresAt)],
);
