// GET /Users/{id} (RFC 7644 §3.4.1): the stored resource, with the groups it belongs to.
import type { Db } from '@/server/db';
import type { AttributeSelection } from '@/lib/scim/project-attributes';
import { renderUser, type Json } from './scim-resource';
import { findScimUser, groupsOfUsers } from './scim-users-store';
import { selectAttributes, wantsAttribute } from './select-attributes';

export async function getScimUser(db: Db, input: { id: string; baseUrl: string; selection?: AttributeSelection }): Promise<Json> {
  const selection = input.selection ?? {};
  const user = await findScimUser(db, input.id);
  const groups = wantsAttribute(selection, 'groups') ? (await groupsOfUsers(db, [user.id])).get(user.id) : undefined;
  return selectAttributes(renderUser(user, input.baseUrl, groups), selection);
}
