// Lists the audit log newest first with keyset pagination on the monotonically increasing id.
import { and, desc, eq, ilike, lt, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { auditLog, type AuditEntry } from '@/server/db/schema';

export const listAuditInput = z.object({
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  actor: z.string().trim().max(200).optional(),
  action: z.string().trim().max(200).optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(200).optional(),
});
export type ListAuditInput = z.input<typeof listAuditInput>;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

export async function listAudit(db: Db, raw: ListAuditInput): Promise<{ entries: AuditEntry[]; nextCursor: number | null }> {
  const input = listAuditInput.parse(raw);
  const where: SQL[] = [];
  if (input.cursor) where.push(lt(auditLog.id, input.cursor));
  if (input.actor) where.push(ilike(auditLog.actorLabel, `%${escapeLike(input.actor)}%`));
  if (input.action) {
    where.push(or(eq(auditLog.action, input.action), ilike(auditLog.action, `${escapeLike(input.action)}%`))!);
  }
  if (input.targetType) where.push(eq(auditLog.targetType, input.targetType));
  if (input.targetId) where.push(eq(auditLog.targetId, input.targetId));
  const rows = await db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(input.limit + 1);
  const more = rows.length > input.limit;
  const entries = more ? rows.slice(0, input.limit) : rows;
  return { entries, nextCursor: more ? entries[entries.length - 1].id : null };
}
