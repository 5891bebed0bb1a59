// PUT /Users/{id} (RFC 7644 §3.5.1): the body replaces the stored resource; id, role and meta stay.
import type { Db } from '@/server/db';
import type { Actor } from '../actor';
import { publishRevocations } from '../users/deprovision-user';
import { normalizeUser, renderUser, type Json } from './scim-resource';
import { findScimUser, groupsOfUsers, saveScimUser } from './scim-users-store';

export async function replaceScimUser(db: Db, actor: Actor, input: { id: string; body: unknown; baseUrl: string }): Promise<Json> {
  const next = normalizeUser(input.body);
  const saved = await db.transaction(async (tx) => {
    const current = await findScimUser(tx, input.id, true);
    return saveScimUser(tx, actor, current, next, { action: 'scim.user.replace', details: { userName: next.columns.userName } });
  });
  await publishRevocations(db, saved.crlAuthorityIds);
  // The same representation GET returns, groups included, so Entra sees no difference to re-send.
  const groups = (await groupsOfUsers(db, [saved.user.id])).get(saved.user.id);
  return renderUser(saved.user, input.baseUrl, groups);
}
