// Name-based UUIDs (RFC 9562 §5.5, version 5) so regenerating a profile yields the same
// PayloadUUIDs: Fleet and macOS then see an unchanged profile instead of a new one.
import { createHash } from 'node:crypto';

/** Tessera's namespace for profile payload UUIDs; never change it (every PayloadUUID would move). */
export const TESSERA_PROFILE_NAMESPACE = '1cf937b1-c847-485d-a991-d02f90241d83';

/** Uppercase, as Apple's tools write PayloadUUIDs. */
export function stableUuid(name: string, namespace: string = TESSERA_PROFILE_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error('namespace must be a UUID');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
