import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

export const deviceOsValues = ['Linux', 'Windows', 'macOS', 'iOS', 'tvOS', 'watchOS', 'visionOS'] as const;
export type DeviceOs = (typeof deviceOsValues)[number];
export const approvalStatuses = ['pending', 'approved', 'rejected'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];
export const lifecycleStatuses = ['active', 'quarantined', 'deleted'] as const;
export type LifecycleStatus = (typeof lifecycleStatuses)[number];
export const assuranceLevels = ['low', 'high'] as const;
export type Assurance = (typeof assuranceLevels)[number];
/** Kinds of source a device record came from; MDM sources also name their integration. */
export const sourceKinds = ['manual', 'idp', 'api', 'agent', 'fleet', 'jamf'] as const;
export type SourceKind = (typeof sourceKinds)[number];

/** Device fields that an admin or the API may set, masking what an MDM reports. */
export const maskableFields = ['displayName', 'displayId', 'serial', 'os', 'ownership', 'ownerEmail', 'tags', 'metadata'] as const;
export type MaskableField = (typeof maskableFields)[number];

export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Serial number for Apple devices, urn:ek:sha256:… for TPM devices. Null while only an MDM
    // record without a hardware identity is known (a Windows PC synced from Fleet, say).
    permanentIdentifier: text('permanent_identifier'),
    serial: text('serial'),
    hardwareUuid: text('hardware_uuid'),
    displayName: text('display_name'),
    displayId: text('display_id'),
    hostname: text('hostname'),
    os: text('os', { enum: deviceOsValues }),
    osVersion: text('os_version'),
    model: text('model'),
    manufacturer: text('manufacturer'),
    ownership: text('ownership', { enum: ['company', 'user'] }),
    ownerEmail: text('owner_email'),
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
    shared: boolean('shared').notNull().default(false),
    // Set when the owner was deprovisioned by the identity provider; cleared on reactivation.
    ownerDeprovisionedAt: timestamp('owner_deprovisioned_at', { withTimezone: true }),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    // Fields set explicitly by an admin or the API; MDM sync leaves these alone.
    maskedFields: text('masked_fields').array().notNull().default(sql`'{}'::text[]`),
    sourceKinds: text('source_kinds').array().notNull().default(sql`'{}'::text[]`),
    approvalStatus: text('approval_status', { enum: approvalStatuses }).notNull().default('pending'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    approvedBy: text('approved_by'),
    lifecycleStatus: text('lifecycle_status', { enum: lifecycleStatuses }).notNull().default('active'),
    assurance: text('assurance', { enum: assuranceLevels }).notNull().default('low'),
    attestedAt: timestamp('attested_at', { withTimezone: true }),
    attestationFormat: text('attestation_format'),
    attestationEvidence: jsonb('attestation_evidence').$type<Record<string, unknown>>(),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('devices_permanent_identifier_idx').on(t.permanentIdentifier),
    index('devices_serial_idx').on(sql`upper(${t.serial})`),
    index('devices_hardware_uuid_idx').on(sql`upper(${t.hardwareUuid})`),
    index('devices_enrolled_idx').on(t.enrolledAt, t.id),
    index('devices_last_seen_idx').on(sql`coalesce(${t.lastSeenAt}, '1970-01-01T00:00:00Z'::timestamptz)`, t.id),
    index('devices_first_source_idx').on(sql`coalesce(${t.sourceKinds}[1], '')`, t.id),
    index('devices_approval_idx').on(t.approvalStatus, t.enrolledAt, t.id),
    index('devices_owner_email_idx').on(sql`lower(${t.ownerEmail})`),
    index('devices_owner_user_idx').on(t.ownerUserId),
    index('devices_tags_idx').using('gin', t.tags),
    index('devices_source_kinds_idx').using('gin', t.sourceKinds),
    index('devices_search_idx').using(
      'gin',
      sql`(coalesce(${t.displayName}, '') || ' ' || coalesce(${t.serial}, '') || ' ' || coalesce(${t.ownerEmail}, '') || ' ' || coalesce(${t.permanentIdentifier}, '') || ' ' || coalesce(${t.hostname}, '')) gin_trgm_ops`,
    ),
  ],
);

export type Device = typeof devices.$inferSelect;

// One row per source record: an MDM host, an API add, a self-enrollment. Kept when records merge
// into one device, so the device page can show where each piece of data came from.
export const deviceSources = pgTable(
  'device_sources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: sourceKinds }).notNull(),
    // "api", "manual", "idp", "agent", or "mdm:<integration id>" for MDM records.
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    // The source's view of the device, normalised (serial, os, owner...), used to unmask fields.
    normalized: jsonb('normalized').$type<Record<string, unknown>>().notNull().default({}),
    raw: jsonb('raw').$type<unknown>(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('device_sources_source_external_idx').on(t.source, t.externalId),
    index('device_sources_device_idx').on(t.deviceId),
  ],
);

export type DeviceSource = typeof deviceSources.$inferSelect;

// Which source records an MDM sync run has seen, as narrow rows: marking the wide source records
// themselves would rewrite every one of them on every sync. Records a finished run did not see
// were removed from the MDM. Rows are deleted when the run finishes.
export const mdmSeen = pgTable(
  'mdm_seen',
  {
    runId: uuid('run_id').notNull(),
    sourceId: uuid('source_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.sourceId] })],
);
