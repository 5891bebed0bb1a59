// PATCH /Users/{id} (RFC 7644 §3.5.2) in every dialect Entra speaks (parsePatch normalises them).
// Entra re-sends values it already set on every cycle: an unchanged result writes nothing, so
// meta.lastModified only moves on real changes. active:false deprovisions, active:true reactivates.
import type { Db } from '@/server/db';
import { formatAttributePath } from '@/lib/scim/attribute-path';
import { applyPatch } from '@/lib/scim/apply-patch';
import { parsePatch } from '@/lib/scim/parse-patch';
import type { Actor } from '../actor';
import { publishRevocations } from '../users/deprovision-user';
import { normalizeUser, renderUser, type Json } from './scim-resource';
import { findScimUser, groupsOfUsers, saveScimUser, type SavedUser } from './scim-users-store';

export async function patchScimUser(db: Db, actor: Actor, input: { id: string; body: unknown; baseUrl: string }): Promise<Json> {
  const operations = parsePatch(input.body);
  const saved = await db.transaction(async (tx): Promise<SavedUser> => {
    const current = await findScimUser(tx, input.id, true);
    const stored: Json = { ...(current.scimAttributes ?? {}), id: current.id, active: current.active };
    const { resource, changed } = applyPatch(stored, operations, {
      membersAttribute: null,
      readOnlyAttributes: ['id', 'meta', 'schemas', 'groups'],
    });
    if (!changed) return { user: current, crlAuthorityIds: [] };
    const next = normalizeUser(resource);
    return saveScimUser(tx, actor, current, next, {
      action: 'scim.user.update',
      details: { userName: next.columns.userName, operations: operations.map((o) => `${o.op} ${formatAttributePath(o.path)}`) },
    });
  });
  await publishRevocations(db, saved.crlAuthorityIds);
  // The same representation GET returns, groups included, so Entra sees no difference to re-send.
  const groups = (await groupsOfUsers(db, [saved.user.id])).get(saved.user.id);
  return renderUser(saved.user, input.baseUrl, groups);
}
