// Issued certificates, newest first, keyset-paginated; search by serial, subject or device.
import { and, desc, eq, ilike, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { certificates, devices } from '@/server/db/schema';

export const listCertificatesInput = z.object({
  search: z.string().trim().max(200).optional(),
  status: z.enum(['active', 'revoked', 'expired']).optional(),
  deviceId: z.uuid().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

export async function listCertificates(db: Db, raw: z.input<typeof listCertificatesInput>) {
  const input = listCertificatesInput.parse(raw);
  const where: SQL[] = [];
  if (input.search) {
    const q = `%${escapeLike(input.search)}%`;
    where.push(or(ilike(certificates.serialHex, q.replace(/:/g, '')), ilike(certificates.subject, q), ilike(devices.displayName, q), ilike(devices.serial, q))!);
  }
  if (input.deviceId) where.push(eq(certificates.deviceId, input.deviceId));
  if (input.status === 'revoked') where.push(isNotNull(certificates.revokedAt));
  if (input.status === 'expired') where.push(and(isNull(certificates.revokedAt), lt(certificates.notAfter, sql`now()`))!);
  if (input.status === 'active') where.push(and(isNull(certificates.revokedAt), sql`${certificates.notAfter} >= now()`)!);
  if (input.cursor) {
    const [at, id] = input.cursor.split('_');
    if (at && id && /^\d+$/.test(at) && /^[0-9a-f-]{36}$/.test(id)) {
      where.push(sql`(${certificates.createdAt}, ${certificates.id}) < (to_timestamp(${Number(at) / 1e6}), ${id}::uuid)`);
    }
  }
  const rows = await db
    .select({
      id: certificates.id,
      serialHex: certificates.serialHex,
      subject: certificates.subject,
      issuedVia: certificates.issuedVia,
      template: certificates.template,
      notBefore: certificates.notBefore,
      notAfter: certificates.notAfter,
      revokedAt: certificates.revokedAt,
      revocationReason: certificates.revocationReason,
      renewalOf: certificates.renewalOf,
      createdAt: certificates.createdAt,
      createdAtMicros: sql<string>`(extract(epoch from ${certificates.createdAt}) * 1000000)::bigint::text`,
      deviceId: certificates.deviceId,
      deviceName: sql<string | null>`coalesce(${devices.displayName}, ${devices.serial}, ${devices.permanentIdentifier})`,
    })
    .from(certificates)
    .leftJoin(devices, eq(devices.id, certificates.deviceId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(certificates.createdAt), desc(certificates.id))
    .limit(input.limit + 1);
  const more = rows.length > input.limit;
  const page = more ? rows.slice(0, input.limit) : rows;
  const now = Date.now();
  return {
    certificates: page.map(({ createdAtMicros, ...c }) => ({
      ...c,
      status: c.revokedAt ? ('revoked' as const) : c.notAfter.getTime() < now ? ('expired' as const) : ('active' as const),
    })),
    nextCursor: more ? `${page[page.length - 1].createdAtMicros}_${page[page.length - 1].id}` : null,
  };
}
