// The two statements of a SCEP enrollment's common case, written so that one enrollment costs two
// round trips to PostgreSQL: one read that gathers everything the decision needs (challenge,
// device, whether the connection still exists, the authority's version) and one write that consumes the
// challenge and records the certificate and its audit entry atomically. They go through
// `db.execute`, which postgres-js prepares once per connection (drizzle's builder sends unnamed
// statements, which cost an extra describe round trip each). Every other case (unknown device,
// replay, refusal) takes the general path in handle-pki-operation.ts.
import { sql } from 'drizzle-orm';
import type { Db } from '@/server/db';

export interface EnrollmentFacts {
  authority: { id: string; updatedAt: Date } | null;
  /** The connection row's version: a caller holding an older copy must read it again. */
  integrationUpdatedAt: Date;
  challenge: null | {
    id: string;
    expiresAt: Date;
    consumedAt: Date | null;
  };
  device: null | {
    id: string;
    approvalStatus: string;
    lifecycleStatus: string;
    displayName: string | null;
    serial: string | null;
    permanentIdentifier: string | null;
  };
}

type Row = Record<string, unknown>;

/** Rows of `db.execute` on either driver (postgres-js returns an array, PGlite `{ rows }`). */
export function rowsOf(result: unknown): Row[] {
  return Array.isArray(result) ? (result as Row[]) : ((result as { rows: Row[] }).rows ?? []);
}

const asDate = (v: unknown) => (v == null ? null : v instanceof Date ? v : new Date(String(v)));

export async function readEnrollmentFacts(
  db: Db,
  input: { integrationId: string; challengeHash: string; hardwareUuid: string | null; serial: string | null; authoritySlug: string },
): Promise<EnrollmentFacts | null> {
  const result = await db.execute(sql`
    select i.updated_at as integration_stamp, a.id as authority_id, a.updated_at as authority_stamp,
           c.id as challenge_id, c.expires_at, c.consumed_at,
           d.id as device_id, d.approval_status, d.lifecycle_status, d.display_name, d.serial, d.permanent_identifier
      from integrations i
      left join authorities a on a.slug = ${input.authoritySlug}
      left join scep_challenges c on c.challenge_hash = ${input.challengeHash} and c.integration_id = i.id
      left join lateral (
        select id, approval_status, lifecycle_status, display_name, serial, permanent_identifier
          from devices
         where upper(hardware_uuid) = ${input.hardwareUuid} or upper(serial) = ${input.serial}
         limit 1
      ) d on true
     where i.id = ${input.integrationId} and i.kind = 'fleet'`);
  const [row] = rowsOf(result);
  if (!row) return null;
  return {
    integrationUpdatedAt: asDate(row.integration_stamp)!,
    authority: row.authority_id ? { id: String(row.authority_id), updatedAt: asDate(row.authority_stamp)! } : null,
    challenge: row.challenge_id
      ? { id: String(row.challenge_id), expiresAt: asDate(row.expires_at)!, consumedAt: asDate(row.consumed_at) }
      : null,
    device: row.device_id
      ? {
          id: String(row.device_id),
          approvalStatus: String(row.approval_status),
          lifecycleStatus: String(row.lifecycle_status),
          displayName: (row.display_name as string | null) ?? null,
          serial: (row.serial as string | null) ?? null,
          permanentIdentifier: (row.permanent_identifier as string | null) ?? null,
        }
      : null,
  };
}

export interface EnrollmentRecord {
  challengeId: string;
  transactionId: string;
  publicKeySha256: string;
  certificate: {
    serialHex: string;
    authorityId: string;
    deviceId: string;
    integrationId: string;
    subject: string;
    template: string;
    notBefore: Date;
    notAfter: Date;
    certPem: string;
  };
  audit: {
    actorType: string;
    actorId: string | null;
    actorLabel: string;
    targetLabel: string;
    details: Record<string, unknown>;
    ip: string | null;
  };
}

/**
 * Consumes the challenge and stores the certificate and its audit row in one statement. Returns
 * false, having stored nothing, when the challenge was consumed (or expired) in the meantime:
 * concurrent uses of one challenge serialise on its row, and only the first one's update matches.
 */
export async function recordEnrollment(db: Db, r: EnrollmentRecord): Promise<boolean> {
  const c = r.certificate;
  const result = await db.execute(sql`
    with consumed as (
      update scep_challenges
         set consumed_at = now(), transaction_id = ${r.transactionId}, public_key_sha256 = ${r.publicKeySha256},
             certificate_serial = ${c.serialHex}
       where id = ${r.challengeId} and consumed_at is null and expires_at > now()
      returning id
    ), stored as (
      insert into certificates (serial_hex, authority_id, device_id, integration_id, subject, issued_via, template,
                                not_before, not_after, cert_pem, public_key_sha256, transaction_id)
      select ${c.serialHex}, ${c.authorityId}::uuid, ${c.deviceId}::uuid, ${c.integrationId}::uuid, ${c.subject}, 'scep',
             ${c.template}, ${c.notBefore.toISOString()}::timestamptz, ${c.notAfter.toISOString()}::timestamptz, ${c.certPem},
             ${r.publicKeySha256}, ${r.transactionId}
        from consumed
      returning id
    ), audited as (
      insert into audit_log (actor_type, actor_id, actor_label, action, target_type, target_id, target_label, details, ip)
      select ${r.audit.actorType}, ${r.audit.actorId}, ${r.audit.actorLabel}, 'certificate.issue', 'device', ${c.deviceId},
             ${r.audit.targetLabel}, ${JSON.stringify(r.audit.details)}::jsonb, ${r.audit.ip}
        from stored
      returning id
    )
    select (select count(*) from consumed)::int as consumed, (select count(*) from audited)::int as audited`);
  const [row] = rowsOf(result);
  return Number(row?.consumed ?? 0) === 1;
}
