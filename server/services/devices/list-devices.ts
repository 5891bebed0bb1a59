// Lists devices with filters, sorting and keyset pagination in SQL, for the REST API and the
// console. The cursor is opaque: the sort value and id of the last row, as Postgres wrote them.
import { and, arrayOverlaps, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { approvalStatuses, assuranceLevels, deviceOsValues, devices, lifecycleStatuses, type Device } from '@/server/db/schema';
import { badRequest } from '../errors';

export const deviceSortFields = ['enrolledAt', 'lastSeen', 'source', 'displayName'] as const;

export const listDevicesInput = z.object({
  first: z.number().int().min(1).max(1000).default(100),
  after: z.string().max(1000).optional(),
  search: z.string().trim().max(200).optional(),
  assurance: z.array(z.enum(assuranceLevels)).optional(),
  approval: z.array(z.enum(approvalStatuses)).optional(),
  lifecycle: z.array(z.enum(lifecycleStatuses)).optional(),
  os: z.array(z.enum(deviceOsValues)).optional(),
  ownership: z.array(z.enum(['company', 'user'])).optional(),
  // Any strings: a source no device has (e.g. an MDM we do not sync) simply matches nothing.
  sources: z.array(z.string().max(32)).max(20).optional(),
  tags: z.array(z.string().max(64)).max(20).optional(),
  onlyUnassigned: z.boolean().optional(),
  onlyManaged: z.boolean().optional(),
  status: z.enum(['ok', 'warning', 'error']).optional(),
  ownerUserId: z.uuid().optional(),
  sort: z.enum(deviceSortFields).default('enrolledAt'),
  ascending: z.boolean().default(false),
});
export type ListDevicesInput = z.input<typeof listDevicesInput>;

const EPOCH = sql`'1970-01-01T00:00:00Z'::timestamptz`;

function sortExpr(sort: (typeof deviceSortFields)[number]): { expr: SQL; cast: SQL } {
  switch (sort) {
    case 'lastSeen':
      return { expr: sql`coalesce(${devices.lastSeenAt}, ${EPOCH})`, cast: sql`timestamptz` };
    case 'source':
      return { expr: sql`coalesce(${devices.sourceKinds}[1], '')`, cast: sql`text` };
    case 'displayName':
      return { expr: sql`coalesce(${devices.displayName}, '')`, cast: sql`text` };
    default:
      return { expr: sql`${devices.enrolledAt}`, cast: sql`timestamptz` };
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

export const deviceSearchText = sql`(coalesce(${devices.displayName}, '') || ' ' || coalesce(${devices.serial}, '') || ' ' || coalesce(${devices.ownerEmail}, '') || ' ' || coalesce(${devices.permanentIdentifier}, '') || ' ' || coalesce(${devices.hostname}, ''))`;

export function deviceFilters(input: z.infer<typeof listDevicesInput>): SQL[] {
  const where: SQL[] = [];
  if (input.search) where.push(sql`${deviceSearchText} ilike ${`%${escapeLike(input.search)}%`}`);
  if (input.assurance?.length) where.push(inArray(devices.assurance, input.assurance));
  if (input.approval?.length) where.push(inArray(devices.approvalStatus, input.approval));
  if (input.lifecycle?.length) where.push(inArray(devices.lifecycleStatus, input.lifecycle));
  if (input.os?.length) where.push(inArray(devices.os, input.os));
  if (input.ownership?.length) where.push(inArray(devices.ownership, input.ownership));
  if (input.sources) where.push(arrayOverlaps(devices.sourceKinds, input.sources.length ? input.sources : ['-']));
  if (input.tags?.length) where.push(arrayOverlaps(devices.tags, input.tags));
  if (input.onlyUnassigned) where.push(isNull(devices.ownerEmail));
  if (input.onlyManaged) where.push(arrayOverlaps(devices.sourceKinds, ['agent']));
  if (input.ownerUserId) where.push(eq(devices.ownerUserId, input.ownerUserId));
  if (input.status === 'ok') where.push(sql`${devices.approvalStatus} = 'approved' and ${devices.lifecycleStatus} = 'active'`);
  if (input.status === 'warning') where.push(sql`${devices.approvalStatus} = 'pending' and ${devices.lifecycleStatus} = 'active'`);
  if (input.status === 'error') where.push(sql`(${devices.approvalStatus} = 'rejected' or ${devices.lifecycleStatus} <> 'active')`);
  return where;
}

export function encodeCursor(value: string, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && z.uuid().safeParse(parsed[1]).success) {
      return parsed as [string, string];
    }
  } catch {}
  throw badRequest('The pagination cursor is not valid; copy it from the X-Next-Cursor header of the previous page', 'after');
}

export async function listDevices(db: Db, raw: ListDevicesInput): Promise<{ devices: Device[]; nextCursor: string | null }> {
  const input = listDevicesInput.parse(raw);
  const { expr, cast } = sortExpr(input.sort);
  const where = deviceFilters(input);
  if (input.after) {
    const [value, id] = decodeCursor(input.after);
    const isTime = input.sort === 'enrolledAt' || input.sort === 'lastSeen';
    if (isTime && !/^\d{4}-\d{2}-\d{2}[ T][\d:.]+(Z|[+-]\d{2}(:?\d{2})?)?$/.test(value)) {
      throw badRequest('The pagination cursor does not match the sort order', 'after');
    }
    where.push(
      input.ascending
        ? sql`(${expr}, ${devices.id}) > (${value}::${cast}, ${id}::uuid)`
        : sql`(${expr}, ${devices.id}) < (${value}::${cast}, ${id}::uuid)`,
    );
  }
  const order = input.ascending ? [asc(expr), asc(devices.id)] : [desc(expr), desc(devices.id)];
  const rows = await db
    .select({ device: devices, sortKey: sql<string>`(${expr})::text` })
    .from(devices)
    .where(where.length ? and(...where) : undefined)
    .orderBy(...order)
    .limit(input.first + 1);
  const more = rows.length > input.first;
  const page = more ? rows.slice(0, input.first) : rows;
  const last = page[page.length - 1];
  return { devices: page.map((r) => r.device), nextCursor: more && last ? encodeCursor(last.sortKey, last.device.id) : null };
}

export async function countDevices(db: Db, raw: ListDevicesInput): Promise<number> {
  const input = listDevicesInput.parse(raw);
  const where = deviceFilters(input);
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(devices)
    .where(where.length ? and(...where) : undefined);
  return r.n;
}
