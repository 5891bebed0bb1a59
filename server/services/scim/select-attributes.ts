// RFC 7644 §3.4.2.5 attributes/excludedAttributes for single resources and list pages, plus the
// question the services ask before running a query for an attribute: will it be returned at all?
import type { AttributeSelection } from '@/lib/scim/project-attributes';
import { projectAttributes } from '@/lib/scim/list-params';
import type { Json } from './scim-resource';

export function selectAttributes(resource: Json, selection: AttributeSelection): Json {
  const { attributes = [], excludedAttributes = [] } = selection;
  if (attributes.length === 0 && excludedAttributes.length === 0) return resource;
  return projectAttributes(resource, selection);
}

/** False when the selection leaves `attribute` (a top-level core attribute) out entirely. */
export function wantsAttribute(selection: AttributeSelection, attribute: string): boolean {
  const name = attribute.toLowerCase();
  const mentions = (list: readonly string[] | undefined, whole: boolean) =>
    (list ?? []).some((entry) => {
      const lower = entry.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/, '');
      return lower === name || (!whole && lower.startsWith(`${name}.`));
    });
  if (selection.attributes?.length && !mentions(selection.attributes, false)) return false;
  return !mentions(selection.excludedAttributes, true);
}
