// Invitations for the Users page, newest first with a keyset cursor; never the token.
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { invitations } from '@/server/db/schema';
import { badRequest } from '../errors';
import { invitationStatus } from './invitation-token';

export const listInvitationsInput = z.object({
  cursor: z.string().max(100).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});

const encodeCursor = (r: { createdAt: Date; id: string }) => Buffer.from(`${r.createdAt.toISOString()}|${r.id}`).toString('base64url');
function decodeCursor(c: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(c, 'base64url').toString('utf8').split('|');
  const date = new Date(at);
  if (!id || Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) throw badRequest('The page cursor is not valid', 'cursor');
  return { at: date, id };
}

export async function listInvitations(db: Db, raw: z.input<typeof listInvitationsInput> = {}) {
  const input = listInvitationsInput.parse(raw);
  const where: SQL[] = [];
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    where.push(or(lt(invitations.createdAt, c.at), and(eq(invitations.createdAt, c.at), lt(invitations.id, c.id)))!);
  }
  const rows = await db
    .select({
      id: invitations.id,
      email: invitations.email,
      name: invitations.name,
      createdByLabel: invitations.createdByLabel,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      acceptedUserId: invitations.acceptedUserId,
      revokedAt: invitations.revokedAt,
    })
    .from(invitations)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(invitations.createdAt), desc(invitations.id))
    .limit(input.limit + 1);
  const more = rows.length > input.limit;
  const page = more ? rows.slice(0, input.limit) : rows;
  const now = Date.now();
  return {
    invitations: page.map((r) => ({ ...r, status: invitationStatus(r, now) })),
    nextCursor: more ? encodeCursor(page[page.length - 1]) : null,
  };
}
