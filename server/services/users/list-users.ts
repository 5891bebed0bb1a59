// Users ordered by email with keyset pagination; search matches email or name.
import { and, asc, eq, gt, ilike, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { users } from '@/server/db/schema';
import { roleSchema } from '@/lib/validation';

export const listUsersInput = z.object({
  cursor: z.string().max(300).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  search: z.string().trim().max(200).optional(),
  role: roleSchema.optional(),
});
export type ListUsersInput = z.input<typeof listUsersInput>;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

export async function listUsers(db: Db, raw: ListUsersInput) {
  const input = listUsersInput.parse(raw);
  const where: SQL[] = [];
  if (input.cursor) where.push(gt(sql`lower(${users.email})`, input.cursor));
  if (input.search) {
    const q = `%${escapeLike(input.search)}%`;
    where.push(or(ilike(users.email, q), ilike(users.name, q))!);
  }
  if (input.role) where.push(eq(users.role, input.role));
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      source: users.source,
      active: users.active,
      lastSignInAt: users.lastSignInAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(sql`lower(${users.email})`))
    .limit(input.limit + 1);
  const more = rows.length > input.limit;
  const page = more ? rows.slice(0, input.limit) : rows;
  return { users: page, nextCursor: more ? page[page.length - 1].email.toLowerCase() : null };
}
