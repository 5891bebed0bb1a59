// GET /Groups/{id} (RFC 7644 §3.4.1); members are loaded only when they will be returned.
import type { Db } from '@/server/db';
import type { AttributeSelection } from '@/lib/scim/project-attributes';
import { renderGroup, type Json } from './scim-resource';
import { findScimGroup, membersOfGroups } from './scim-groups-store';
import { selectAttributes, wantsAttribute } from './select-attributes';

export async function getScimGroup(db: Db, input: { id: string; baseUrl: string; selection?: AttributeSelection }): Promise<Json> {
  const selection = input.selection ?? {};
  const group = await findScimGroup(db, input.id);
  const members = wantsAttribute(selection, 'members') ? (await membersOfGroups(db, [group.id])).get(group.id) : undefined;
  return selectAttributes(renderGroup(group, input.baseUrl, members), selection);
}
