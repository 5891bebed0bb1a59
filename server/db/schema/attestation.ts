// The TPM attestation CA: its keys, the credential-activation sessions it runs with devices
// (TPM2_MakeCredential / TPM2_ActivateCredential), the EK roots an admin added beside the shipped
// vendor roots, and what to do with an EK that comes without a certificate.
//
// The CA has its own table rather than a row in `authorities`: that table is the family of CAs that
// issue device certificates (each with a SCEP RA and a CRL, each a target of certificates.authority_id,
// each walked by revocation and CRL code). The attestation CA issues only AK certificates, has no RA
// and no CRL, and must never be picked up by code that iterates device-certificate authorities.
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const attestationAuthorities = pgTable('attestation_authorities', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  rootCertPem: text('root_cert_pem').notNull(),
  // AES-256-GCM with the key derived from TESSERA_SECRET, bound to this row (sealKey in load-authority).
  rootKeyEnc: text('root_key_enc').notNull(),
  intermediateCertPem: text('intermediate_cert_pem').notNull(),
  intermediateKeyEnc: text('intermediate_key_enc').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
export type AttestationAuthorityRow = typeof attestationAuthorities.$inferSelect;

/** How the EK of a session was accepted. */
export const ekAcceptances = ['certificate', 'registered', 'allowed'] as const;
export type EkAcceptance = (typeof ekAcceptances)[number];

// One credential-activation exchange. Only the SHA-256 of the secret is kept; a session is answered
// once (usedAt) and only within its few minutes.
export const akActivationSessions = pgTable(
  'ak_activation_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ekUri: text('ek_uri').notNull(),
    ekAcceptance: text('ek_acceptance', { enum: ekAcceptances }).notNull(),
    // Hex of the AK Name (nameAlg || digest) the credential is bound to.
    akName: text('ak_name').notNull(),
    // Base64 of the AK's TPMT_PUBLIC, certified at activation.
    akPublic: text('ak_public').notNull(),
    secretSha256: text('secret_sha256').notNull(),
    attempts: integer('attempts').notNull().default(0),
    // EK certificate and TPM model details, kept for the AK certificate and the device's evidence.
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    akCertSerial: text('ak_cert_serial'),
    akCertPem: text('ak_cert_pem'),
  },
  (t) => [index('ak_activation_sessions_expires_idx').on(t.expiresAt), index('ak_activation_sessions_ek_uri_idx').on(t.ekUri, t.createdAt)],
);
export type AkActivationSession = typeof akActivationSessions.$inferSelect;

// EK CAs an admin trusts beyond the vendor roots shipped in lib/attestation/tpm-roots.
export const tpmEkRoots = pgTable(
  'tpm_ek_roots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    certPem: text('cert_pem').notNull(),
    sha256: text('sha256').notNull(),
    subject: text('subject').notNull(),
    notAfter: timestamp('not_after', { withTimezone: true }).notNull(),
    addedBy: text('added_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tpm_ek_roots_sha256_idx').on(t.sha256)],
);
export type TpmEkRoot = typeof tpmEkRoots.$inferSelect;

/**
 * An EK that arrives without a certificate proves only that some TPM (or some software) holds the
 * key. 'registered-only': accept it when a device with that EK URI is already in the inventory;
 * 'allow': accept any (the device then waits for approval); 'deny': require a certificate.
 */
export const ekWithoutCertificatePolicies = ['registered-only', 'allow', 'deny'] as const;
export type EkWithoutCertificatePolicy = (typeof ekWithoutCertificatePolicies)[number];

// Team-wide attestation settings, one row (like teams.singleton).
export const attestationSettings = pgTable(
  'attestation_settings',
  {
    singleton: boolean('singleton').primaryKey().default(true),
    tpmEkWithoutCertificate: text('tpm_ek_without_certificate', { enum: ekWithoutCertificatePolicies }).notNull().default('registered-only'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('attestation_settings_singleton_true', sql`${t.singleton}`)],
);
export type AttestationSettings = typeof attestationSettings.$inferSelect;
