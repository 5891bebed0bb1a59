// The console's device filters as URL parameters (?q=&source=&approval=&assurance=&os=&tag=&sort=&dir=),
// shared by the devices page and its CSV export so both show the same devices.
import type { ListDevicesInput } from './list-devices';

type Search = Record<string, string | string[] | undefined>;

const pick = <T extends string>(v: unknown, allowed: readonly T[]): T | undefined =>
  typeof v === 'string' && allowed.includes(v as T) ? (v as T) : undefined;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export const CONSOLE_OS = ['Linux', 'Windows', 'macOS', 'iOS', 'tvOS', 'watchOS', 'visionOS'] as const;
export const CONSOLE_SOURCES = ['api', 'manual', 'idp', 'agent', 'fleet', 'jamf'] as const;

export function deviceQueryFromParams(sp: Search): ListDevicesInput {
  const source = pick(sp.source, CONSOLE_SOURCES);
  const approval = pick(sp.approval, ['pending', 'approved', 'rejected'] as const);
  const assurance = pick(sp.assurance, ['low', 'high'] as const);
  const os = pick(sp.os, CONSOLE_OS);
  const tag = str(sp.tag)?.slice(0, 64);
  return {
    search: str(sp.q)?.slice(0, 200) || undefined,
    sources: source ? [source] : undefined,
    approval: approval ? [approval] : undefined,
    assurance: assurance ? [assurance] : undefined,
    os: os ? [os] : undefined,
    tags: tag ? [tag] : undefined,
    sort: pick(sp.sort, ['enrolledAt', 'lastSeen', 'displayName', 'source'] as const) ?? 'enrolledAt',
    ascending: sp.dir === 'asc',
  };
}
