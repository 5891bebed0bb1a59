import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { devices } from './devices';

// A certificate authority Tessera runs: root, issuing intermediate and the RSA SCEP RA. Private
// keys are AES-256-GCM encrypted with a key derived from TESSERA_SECRET, bound to this row.
export const authorities = pgTable('authorities', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  rootCertPem: text('root_cert_pem').notNull(),
  rootKeyEnc: text('root_key_enc').notNull(),
  intermediateCertPem: text('intermediate_cert_pem').notNull(),
  intermediateKeyEnc: text('intermediate_key_enc').notNull(),
  raCertPem: text('ra_cert_pem').notNull(),
  raKeyEnc: text('ra_key_enc').notNull(),
  // The RA before the last rotation: still decrypts requests from clients that fetched it earlier.
  previousRaCertPem: text('previous_ra_cert_pem'),
  previousRaKeyEnc: text('previous_ra_key_enc'),
  crlNumber: bigint('crl_number', { mode: 'number' }).notNull().default(0),
  crlPem: text('crl_pem'),
  crlNextUpdate: timestamp('crl_next_update', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
export type AuthorityRow = typeof authorities.$inferSelect;

export const certificates = pgTable(
  'certificates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serialHex: text('serial_hex').notNull(),
    authorityId: uuid('authority_id')
      .notNull()
      .references(() => authorities.id),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'set null' }),
    integrationId: uuid('integration_id'),
    subject: text('subject').notNull(),
    issuedVia: text('issued_via', { enum: ['scep', 'acme'] }).notNull(),
    template: text('template'),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull(),
    notAfter: timestamp('not_after', { withTimezone: true }).notNull(),
    certPem: text('cert_pem').notNull(),
    publicKeySha256: text('public_key_sha256').notNull(),
    transactionId: text('transaction_id'),
    renewalOf: text('renewal_of'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revocationReason: integer('revocation_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('certificates_serial_idx').on(t.serialHex),
    index('certificates_device_idx').on(t.deviceId),
    index('certificates_created_idx').on(t.createdAt, t.id),
    index('certificates_revoked_idx').on(t.authorityId).where(sql`${t.revokedAt} is not null`),
  ],
);
export type CertificateRow = typeof certificates.$inferSelect;

// MDM connections (Fleet, Jamf Pro). The SCEP endpoint and Fleet's challenge webhook hang on a
// Fleet connection; the sync engine reads `config` and the encrypted API credentials.
export const integrations = pgTable(
  'integrations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['fleet', 'jamf'] }).notNull(),
    name: text('name').notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    credentialsEnc: text('credentials_enc'),
    challengeUsername: text('challenge_username'),
    challengePasswordHash: text('challenge_password_hash'),
    caName: text('ca_name').notNull().default('TESSERA_AGENT'),
    certValidityDays: integer('cert_validity_days').notNull().default(365),
    challengeTtlMinutes: integer('challenge_ttl_minutes').notNull().default(60),
    syncIntervalMinutes: integer('sync_interval_minutes').notNull().default(240),
    syncEnabled: boolean('sync_enabled').notNull().default(true),
    nextSyncAt: timestamp('next_sync_at', { withTimezone: true }),
    // A lease, not a lock held open: whoever holds an unexpired lease runs this connection's sync,
    // so instances and overlapping cron calls never sync it twice at once, and a crashed holder's
    // lease simply runs out.
    leaseOwner: text('lease_owner'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('integrations_name_idx').on(sql`lower(${t.name})`)],
);
export type Integration = typeof integrations.$inferSelect;

// Dynamic SCEP challenges handed to Fleet. Only the SHA-256 is stored; a challenge is used once,
// and its first use binds it to (transactionID, public key) so a client's retry is answered again.
export const scepChallenges = pgTable(
  'scep_challenges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    challengeHash: text('challenge_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    transactionId: text('transaction_id'),
    publicKeySha256: text('public_key_sha256'),
    certificateSerial: text('certificate_serial'),
  },
  (t) => [uniqueIndex('scep_challenges_hash_idx').on(t.challengeHash), index('scep_challenges_expires_idx').on(t.expiresAt)],
);

// One run of an MDM inventory sync. A run proceeds page by page, each page in its own
// transaction, and records where it is (phase, nextPage), so a run cut short by a crash or a
// serverless time limit is resumed by the next invocation instead of starting over.
export const mdmSyncRuns = pgTable(
  'mdm_sync_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    trigger: text('trigger', { enum: ['schedule', 'manual', 'connect', 'cli'] }).notNull(),
    status: text('status', { enum: ['running', 'succeeded', 'failed'] }).notNull().default('running'),
    phase: text('phase').notNull().default('computers'),
    nextPage: integer('next_page').notNull().default(0),
    pages: integer('pages').notNull().default(0),
    fetched: integer('fetched').notNull().default(0),
    added: integer('added').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    removed: integer('removed').notNull().default(0),
    totalEstimate: integer('total_estimate'),
    error: text('error'),
    errorKind: text('error_kind'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('mdm_sync_runs_integration_idx').on(t.integrationId, t.startedAt)],
);
export type MdmSyncRun = typeof mdmSyncRuns.$inferSelect;
