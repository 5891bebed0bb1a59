// Appends one row to the audit log. Called inside the same transaction as the change it records.
import type { Db } from '@/server/db';
import { auditLog } from '@/server/db/schema';
import type { Actor } from '../actor';

export interface AuditInput {
  action: string;
  targetType?: string;
  targetId?: string | null;
  targetLabel?: string | null;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Db, actor: Actor, entry: AuditInput): Promise<void> {
  await db.insert(auditLog).values(auditRow(actor, entry));
}

/** The audit_log row for an entry, for a service that writes it inside a larger statement (a CTE). */
export function auditRow(actor: Actor, entry: AuditInput): typeof auditLog.$inferInsert {
  return {
    actorType: actor.type,
    actorId: actor.id ?? null,
    actorLabel: actor.label,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    targetLabel: entry.targetLabel ?? null,
    details: entry.details ?? null,
    ip: actor.ip ?? null,
  };
}
