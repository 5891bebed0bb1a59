// A faithful fake of the Jamf Pro API for tests (mdm-apis.md §3 and §6.2): OAuth client
// credentials and legacy user bearer tokens with expiry, computers inventory and mobile device
// inventory with totalCount paging, sections (unrequested ones null), sort, a small RSQL filter
// subset, single records and deletion, all in Jamf's error shapes.
//
// Usage:
//   const jamf = await startFakeJamf({ computerCount: 250, tokenLifetimeSec: 5 });
//   const client = new JamfClient({ baseUrl: jamf.url, auth: { method: 'client_credentials',
//     clientId: jamf.clientId, clientSecret: jamf.clientSecret } });
//   jamf.computers.rename('3', 'New name'); jamf.computers.reassign('3', 'bob@example.com');
//   jamf.expireTokens();      // every issued token ⇒ 401 on next use
//   jamf.setFault({ fault: { type: 'status', status: 503 }, path: '/api/v1/computers-inventory', nth: 2 });
//   jamf.tokensIssued         // how many tokens were handed out
//   await jamf.close();
import { randomBytes } from 'node:crypto';
import {
  bearer,
  fakeUuid,
  hash32,
  hex,
  LazyStore,
  parseBasicAuth,
  startFakeServer,
  type FakeReply,
  type FakeRequestContext,
  type FakeServer,
  type FakeServerOptions,
} from './fake-server';

export interface FakeJamfComputer {
  id: string;
  udid: string;
  general: {
    name: string;
    lastIpAddress: string;
    lastContactTime: string;
    lastEnrolledDate: string;
    reportDate: string;
    platform: string;
    managementId: string;
    remoteManagement: { managed: boolean; managementUsername?: string };
    supervised: boolean;
    site: { id: string; name: string };
  };
  hardware: {
    make: string;
    serialNumber: string;
    model: string;
    modelIdentifier: string;
    macAddress: string;
    appleSilicon: boolean;
  };
  operatingSystem: { name: string; version: string; build: string };
  userAndLocation: {
    username: string;
    realname: string;
    email: string;
    position: string;
    departmentId: string;
  };
}

export interface FakeJamfMobileDevice {
  mobileDeviceId: string;
  deviceType: 'iOS' | 'tvOS';
  general: {
    udid: string;
    displayName: string;
    assetTag: string;
    siteId: string;
    lastInventoryUpdateDate: string;
    osVersion: string;
    osBuild: string;
    managed: boolean;
    supervised: boolean;
    lastEnrolledDate: string;
    managementId: string;
    softwareUpdateDeviceId: string;
  };
  hardware: {
    serialNumber: string;
    wifiMacAddress: string;
    model: string;
    modelIdentifier: string;
  };
  userAndLocation: {
    username: string;
    realName: string;
    emailAddress: string;
    position: string;
    phoneNumber: string;
  };
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export interface StartFakeJamfOptions extends FakeServerOptions {
  /** Generated computers with ids "1".."computerCount" (lazily; 100,000 is fine). Default 0. */
  computerCount?: number;
  mobileDeviceCount?: number;
  computers?: DeepPartial<FakeJamfComputer>[];
  mobileDevices?: DeepPartial<FakeJamfMobileDevice>[];
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
  /** OAuth `expires_in` and user-token lifetime. Default 600 s (make it small to force refresh). */
  tokenLifetimeSec?: number;
  /** Clock for token expiry (inject to expire tokens without waiting). Default Date.now. */
  now?: () => number;
  /** Clamp page-size to this (to test clients against servers that cap it). */
  maxPageSize?: number;
  version?: string;
}

export interface FakeJamfRecords<T> {
  readonly size: number;
  get(id: string): T | undefined;
  ids(): string[];
  all(): T[];
  add(record?: DeepPartial<T>): T;
  update(id: string, patch: DeepPartial<T>): T;
  rename(id: string, name: string): T;
  /** Sets the user-and-location email (and username); null clears the assignment. */
  reassign(id: string, email: string | null): T;
  remove(id: string): boolean;
  /** Delete then re-enroll: new id, same udid/serial (§3.6). */
  reenroll(id: string): T;
  clear(): void;
}

export interface FakeJamf extends FakeServer {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  computers: FakeJamfRecords<FakeJamfComputer>;
  mobileDevices: FakeJamfRecords<FakeJamfMobileDevice>;
  /** Alias of `computers`. */
  hosts: FakeJamfRecords<FakeJamfComputer>;
  /** Every token issued so far stops working (as if expired); new ones can be obtained. */
  expireTokens(): void;
  /** Changes the API client secret (tokens already issued keep working until they expire). */
  rotateClientSecret(secret: string): void;
  readonly tokensIssued: number;
}

const BASE_TIME = Date.UTC(2024, 5, 1, 9, 0, 0);
const isoCache = new Map<number, string>();
function isoMs(ms: number): string {
  let s = isoCache.get(ms);
  if (s === undefined) {
    s = new Date(ms).toISOString();
    if (isoCache.size < 50_000) isoCache.set(ms, s);
  }
  return s;
}

function deepMerge<T>(base: T, patch: DeepPartial<T> | undefined): T {
  if (!patch) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    const cur = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object'
        ? deepMerge(cur, v as DeepPartial<typeof cur>)
        : v;
  }
  return out as T;
}

export function generateJamfComputer(id: number): FakeJamfComputer {
  const h = hash32(id, 3);
  const user = `user${id}`;
  const contact = BASE_TIME - (h % 7200) * 1000;
  const enrolled = BASE_TIME - (h % 500) * 86_400_000;
  return {
    id: String(id),
    udid: fakeUuid(id, 21),
    general: {
      name: `${user}'s MacBook Pro`,
      lastIpAddress: `203.0.${(id >> 8) & 255}.${id & 255}`,
      lastContactTime: isoMs(contact),
      lastEnrolledDate: isoMs(enrolled).replace(/\.\d{3}Z$/, 'Z'),
      reportDate: isoMs(contact - 600_000),
      platform: 'Mac',
      managementId: fakeUuid(id, 31).toLowerCase(),
      remoteManagement: { managed: id % 25 !== 0 },
      supervised: id % 2 === 0,
      site: id % 5 === 0 ? { id: '2', name: 'London' } : { id: '-1', name: 'None' },
    },
    hardware: {
      make: 'Apple',
      serialNumber: `C02${id.toString(36).toUpperCase().padStart(9, '0')}`,
      model: id % 3 ? 'MacBook Pro (14-inch, 2021)' : 'MacBook Air (M2, 2022)',
      modelIdentifier: id % 3 ? 'MacBookPro18,3' : 'Mac14,2',
      macAddress: `36:1A:${hex((h >> 24) & 255, 2)}:${hex((h >> 16) & 255, 2)}:${hex((h >> 8) & 255, 2)}:${hex(h & 255, 2)}`,
      appleSilicon: true,
    },
    operatingSystem: { name: 'macOS', version: id % 4 ? '14.5' : '13.6.7', build: id % 4 ? '23F79' : '22G720' },
    userAndLocation:
      id % 10 === 0
        ? { username: '', realname: '', email: '', position: '', departmentId: '-1' }
        : { username: user, realname: `User ${id}`, email: `${user}@example.com`, position: '', departmentId: '-1' },
  };
}

export function generateJamfMobileDevice(id: number): FakeJamfMobileDevice {
  const h = hash32(id, 5);
  const kind = id % 10 === 9 ? 'tv' : id % 3 === 0 ? 'ipad' : 'iphone';
  const user = `user${id}`;
  const updated = BASE_TIME - (h % 7200) * 1000;
  return {
    mobileDeviceId: String(id),
    deviceType: kind === 'tv' ? 'tvOS' : 'iOS',
    general: {
      udid: `00008110-${hex(hash32(id, 41), 8)}${hex(id, 8)}`,
      displayName: kind === 'tv' ? `Meeting Room ${id}` : `${user}'s ${kind === 'ipad' ? 'iPad' : 'iPhone'}`,
      assetTag: '',
      siteId: '-1',
      lastInventoryUpdateDate: isoMs(updated),
      osVersion: kind === 'tv' ? '17.5' : '17.5.1',
      osBuild: '21F90',
      managed: true,
      supervised: true,
      lastEnrolledDate: isoMs(updated - (h % 300) * 86_400_000),
      managementId: fakeUuid(id, 51).toLowerCase(),
      softwareUpdateDeviceId: kind === 'ipad' ? 'J617AP' : 'D73AP',
    },
    hardware: {
      serialNumber: `F${id.toString(36).toUpperCase().padStart(9, '0')}`,
      wifiMacAddress: `a4:83:${hex((h >> 24) & 255, 2)}:${hex((h >> 16) & 255, 2)}:${hex((h >> 8) & 255, 2)}:${hex(h & 255, 2)}`.toLowerCase(),
      model: kind === 'tv' ? 'Apple TV 4K' : kind === 'ipad' ? 'iPad Pro (11-inch) (4th generation)' : 'iPhone 15',
      modelIdentifier: kind === 'tv' ? 'AppleTV11,1' : kind === 'ipad' ? 'iPad14,3' : 'iPhone15,4',
    },
    userAndLocation:
      kind === 'tv'
        ? { username: '', realName: '', emailAddress: '', position: '', phoneNumber: '' }
        : { username: user, realName: `User ${id}`, emailAddress: `${user}@example.com`, position: '', phoneNumber: '' },
  };
}

const jamfError = (status: number, code: string, description: string, field: string | null = null) => ({
  httpStatus: status,
  errors: [{ code, description, id: '0', field }],
});

const COMPUTER_SECTIONS: Record<string, string> = {
  GENERAL: 'general',
  DISK_ENCRYPTION: 'diskEncryption',
  PURCHASING: 'purchasing',
  APPLICATIONS: 'applications',
  STORAGE: 'storage',
  USER_AND_LOCATION: 'userAndLocation',
  CONFIGURATION_PROFILES: 'configurationProfiles',
  PRINTERS: 'printers',
  SERVICES: 'services',
  HARDWARE: 'hardware',
  LOCAL_USER_ACCOUNTS: 'localUserAccounts',
  CERTIFICATES: 'certificates',
  ATTACHMENTS: 'attachments',
  PLUGINS: 'plugins',
  PACKAGE_RECEIPTS: 'packageReceipts',
  FONTS: 'fonts',
  SECURITY: 'security',
  OPERATING_SYSTEM: 'operatingSystem',
  LICENSED_SOFTWARE: 'licensedSoftware',
  IBEACONS: 'ibeacons',
  SOFTWARE_UPDATES: 'softwareUpdates',
  EXTENSION_ATTRIBUTES: 'extensionAttributes',
  CONTENT_CACHING: 'contentCaching',
  GROUP_MEMBERSHIPS: 'groupMemberships',
};
const ARRAY_SECTIONS = new Set([
  'applications', 'configurationProfiles', 'printers', 'services', 'localUserAccounts', 'certificates',
  'attachments', 'plugins', 'fonts', 'licensedSoftware', 'ibeacons', 'softwareUpdates',
  'extensionAttributes', 'groupMemberships',
]);
const MOBILE_SECTIONS: Record<string, string> = {
  GENERAL: 'general',
  HARDWARE: 'hardware',
  USER_AND_LOCATION: 'userAndLocation',
  PURCHASING: 'purchasing',
  SECURITY: 'security',
  APPLICATIONS: 'applications',
  EBOOKS: 'ebooks',
  NETWORK: 'network',
  SERVICE_SUBSCRIPTIONS: 'serviceSubscriptions',
  CERTIFICATES: 'certificates',
  PROFILES: 'profiles',
  USER_PROFILES: 'userProfiles',
  PROVISIONING_PROFILES: 'provisioningProfiles',
  SHARED_USERS: 'sharedUsers',
  EXTENSION_ATTRIBUTES: 'extensionAttributes',
};

type Getter<T> = (record: T) => string;

interface Collection<T> {
  store: LazyStore<T>;
  sections: Record<string, string>;
  /** Top-level keys always present regardless of sections. */
  base: (record: T) => Record<string, unknown>;
  sortable: Record<string, Getter<T>>;
  defaultSort: string;
  filterable: Record<string, Getter<T>>;
}

function parseSort<T>(raw: string | null, c: Collection<T>): { getters: [Getter<T>, number][] } | FakeReply {
  const spec = raw ?? c.defaultSort;
  const getters: [Getter<T>, number][] = [];
  for (const part of spec.split(',')) {
    const [field, dir = 'asc'] = part.split(':');
    const getter = c.sortable[field ?? ''];
    if (!getter || (dir !== 'asc' && dir !== 'desc')) {
      return { status: 400, json: jamfError(400, 'INVALID_FIELD', `Sort by ${part} is not supported`, 'sort') };
    }
    getters.push([getter, dir === 'desc' ? -1 : 1]);
  }
  return { getters };
}

/** RSQL subset: `field==value` / `field!=value`, values optionally quoted, `*` wildcard, `;` = AND. */
function parseFilter<T>(raw: string | null, c: Collection<T>): ((r: T) => boolean) | FakeReply | null {
  if (!raw) return null;
  const clauses: ((r: T) => boolean)[] = [];
  for (const part of raw.split(';')) {
    const m = /^([A-Za-z.]+)(==|!=)"?([^"]*)"?$/.exec(part.trim());
    if (!m) return { status: 400, json: jamfError(400, 'INVALID_RSQL_FILTER', `Unsupported filter expression: ${part}`, 'filter') };
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const getter = c.filterable[field];
    if (!getter) return { status: 400, json: jamfError(400, 'INVALID_FIELD', `Filter on ${field} is not supported`, 'filter') };
    const re = new RegExp(`^${value.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
    clauses.push(op === '==' ? (r) => re.test(getter(r)) : (r) => !re.test(getter(r)));
  }
  return (r) => clauses.every((f) => f(r));
}

export async function startFakeJamf(options: StartFakeJamfOptions = {}): Promise<FakeJamf> {
  const now = options.now ?? Date.now;
  const lifetimeSec = options.tokenLifetimeSec ?? 600;
  const creds = {
    clientId: options.clientId ?? 'b3c7d1e2-0a4f-4c6b-9e8d-7f6a5b4c3d2e',
    clientSecret: options.clientSecret ?? 'jamf-client-secret-Xq9Lm2Pv',
    username: options.username ?? 'tessera-sync',
    password: options.password ?? 'correct horse battery staple',
  };
  /** token → expiry (ms, by `now`) */
  const tokens = new Map<string, number>();
  let tokensIssued = 0;

  const computerStore = new LazyStore<FakeJamfComputer>(options.computerCount ?? 0, generateJamfComputer, (c, id) => ({ ...c, id: String(id) }));
  const mobileStore = new LazyStore<FakeJamfMobileDevice>(options.mobileDeviceCount ?? 0, generateJamfMobileDevice, (d, id) => ({
    ...d,
    mobileDeviceId: String(id),
  }));

  const computers: FakeJamfRecords<FakeJamfComputer> = {
    get size() {
      return computerStore.size;
    },
    get: (id) => computerStore.get(Number(id)),
    ids: () => computerStore.allIds().map(String),
    all: () => [...computerStore],
    add: (rec) => computerStore.add((id) => deepMerge(generateJamfComputer(id), rec)),
    update: (id, patch) => computerStore.update(Number(id), (c) => deepMerge(c, patch)),
    rename: (id, name) => computerStore.update(Number(id), (c) => deepMerge(c, { general: { name } })),
    reassign: (id, email) =>
      computerStore.update(Number(id), (c) =>
        deepMerge(c, { userAndLocation: { email: email ?? '', username: email ? email.split('@')[0] : '', realname: '' } }),
      ),
    remove: (id) => computerStore.remove(Number(id)),
    reenroll: (id) => {
      const old = computerStore.get(Number(id));
      if (!old) throw new Error(`no computer ${id}`);
      computerStore.remove(Number(id));
      return computerStore.add(() => deepMerge(old, { general: { lastEnrolledDate: isoMs(now()) } }));
    },
    clear: () => computerStore.clear(),
  };
  const mobileDevices: FakeJamfRecords<FakeJamfMobileDevice> = {
    get size() {
      return mobileStore.size;
    },
    get: (id) => mobileStore.get(Number(id)),
    ids: () => mobileStore.allIds().map(String),
    all: () => [...mobileStore],
    add: (rec) => mobileStore.add((id) => deepMerge(generateJamfMobileDevice(id), rec)),
    update: (id, patch) => mobileStore.update(Number(id), (d) => deepMerge(d, patch)),
    rename: (id, name) => mobileStore.update(Number(id), (d) => deepMerge(d, { general: { displayName: name } })),
    reassign: (id, email) =>
      mobileStore.update(Number(id), (d) =>
        deepMerge(d, { userAndLocation: { emailAddress: email ?? '', username: email ? email.split('@')[0] : '', realName: '' } }),
      ),
    remove: (id) => mobileStore.remove(Number(id)),
    reenroll: (id) => {
      const old = mobileStore.get(Number(id));
      if (!old) throw new Error(`no mobile device ${id}`);
      mobileStore.remove(Number(id));
      return mobileStore.add(() => deepMerge(old, { general: { lastEnrolledDate: isoMs(now()) } }));
    },
    clear: () => mobileStore.clear(),
  };
  for (const c of options.computers ?? []) computers.add(c);
  for (const d of options.mobileDevices ?? []) mobileDevices.add(d);

  const computerCollection: Collection<FakeJamfComputer> = {
    store: computerStore,
    sections: COMPUTER_SECTIONS,
    base: (c) => ({ id: c.id, udid: c.udid }),
    sortable: {
      id: (c) => c.id.padStart(12, '0'),
      udid: (c) => c.udid,
      'general.name': (c) => c.general.name.toLowerCase(),
      'general.lastContactTime': (c) => c.general.lastContactTime,
      'general.reportDate': (c) => c.general.reportDate,
      'hardware.model': (c) => c.hardware.model,
    },
    defaultSort: 'general.name:asc',
    filterable: {
      id: (c) => c.id,
      udid: (c) => c.udid,
      'general.name': (c) => c.general.name,
      'general.platform': (c) => c.general.platform,
      'general.managementId': (c) => c.general.managementId,
      'general.remoteManagement.managed': (c) => String(c.general.remoteManagement.managed),
      'hardware.serialNumber': (c) => c.hardware.serialNumber,
      'hardware.macAddress': (c) => c.hardware.macAddress,
      'userAndLocation.email': (c) => c.userAndLocation.email,
      'userAndLocation.username': (c) => c.userAndLocation.username,
    },
  };
  const mobileCollection: Collection<FakeJamfMobileDevice> = {
    store: mobileStore,
    sections: MOBILE_SECTIONS,
    base: (d) => ({ mobileDeviceId: d.mobileDeviceId, deviceType: d.deviceType }),
    sortable: {
      mobileDeviceId: (d) => d.mobileDeviceId.padStart(12, '0'),
      displayName: (d) => d.general.displayName.toLowerCase(),
      udid: (d) => d.general.udid,
      serialNumber: (d) => d.hardware.serialNumber,
    },
    defaultSort: 'displayName:asc',
    filterable: {
      mobileDeviceId: (d) => d.mobileDeviceId,
      udid: (d) => d.general.udid,
      displayName: (d) => d.general.displayName,
      serialNumber: (d) => d.hardware.serialNumber,
      emailAddress: (d) => d.userAndLocation.emailAddress,
      username: (d) => d.userAndLocation.username,
    },
  };
  // The compact /api/v2/mobile-devices list sorts and filters on its own flat field names.
  const compactMobileCollection: Collection<FakeJamfMobileDevice> = {
    ...mobileCollection,
    sections: {},
    sortable: {
      id: (d) => d.mobileDeviceId.padStart(12, '0'),
      name: (d) => d.general.displayName.toLowerCase(),
      serialNumber: (d) => d.hardware.serialNumber,
      udid: (d) => d.general.udid,
    },
    defaultSort: 'id:asc',
    filterable: {
      id: (d) => d.mobileDeviceId,
      name: (d) => d.general.displayName,
      serialNumber: (d) => d.hardware.serialNumber,
      udid: (d) => d.general.udid,
      username: (d) => d.userAndLocation.username,
    },
  };

  const compactMobile = (d: FakeJamfMobileDevice) => ({
    id: d.mobileDeviceId,
    name: d.general.displayName,
    serialNumber: d.hardware.serialNumber,
    wifiMacAddress: d.hardware.wifiMacAddress,
    udid: d.general.udid,
    phoneNumber: d.userAndLocation.phoneNumber,
    model: d.hardware.model,
    modelIdentifier: d.hardware.modelIdentifier,
    username: d.userAndLocation.username,
    type: d.deviceType === 'tvOS' ? 'appleTv' : 'ios',
    managementId: d.general.managementId,
    softwareUpdateDeviceId: d.general.softwareUpdateDeviceId,
  });

  const readSections = <T>(q: URLSearchParams, c: Collection<T>): string[] | FakeReply => {
    const requested = q.getAll('section').flatMap((s) => s.split(','));
    const list = requested.length ? requested : ['GENERAL'];
    for (const s of list) {
      if (!c.sections[s]) return { status: 400, json: jamfError(400, 'INVALID_FIELD', `Unknown section ${s}`, 'section') };
    }
    return list.map((s) => c.sections[s]!);
  };

  const sectionKeys = new Map<Collection<unknown>, string[]>();
  const project = <T>(record: T, c: Collection<T>, keys: string[]): Record<string, unknown> => {
    let all = sectionKeys.get(c as Collection<unknown>);
    if (!all) sectionKeys.set(c as Collection<unknown>, (all = [...new Set(Object.values(c.sections))]));
    const out: Record<string, unknown> = c.base(record);
    for (const key of all) {
      if (!keys.includes(key)) out[key] = null;
      else out[key] = (record as Record<string, unknown>)[key] ?? (ARRAY_SECTIONS.has(key) ? [] : {});
    }
    return out;
  };

  /** Ordered ids for a sort spec; id order is the store's natural order (no copy needed). */
  const orderCache = new Map<string, { version: number; ids: number[] }>();
  const orderedIds = <T>(c: Collection<T>, getters: [Getter<T>, number][], cacheKey: string): readonly number[] => {
    const [first] = getters;
    const byId = first && (first[0] === c.sortable.id || first[0] === c.sortable.mobileDeviceId);
    if (getters.length === 1 && byId && first[1] === 1) return c.store.idsView();
    const cached = orderCache.get(cacheKey);
    if (cached && cached.version === c.store.version) return cached.ids;
    const rows = c.store.allIds().map((id) => {
      const rec = c.store.get(id)!;
      return { id, keys: getters.map(([g]) => g(rec)) };
    });
    rows.sort((a, b) => {
      for (let i = 0; i < getters.length; i++) {
        const x = a.keys[i]!;
        const y = b.keys[i]!;
        if (x !== y) return (x < y ? -1 : 1) * getters[i]![1];
      }
      return a.id - b.id;
    });
    const ids = rows.map((r) => r.id);
    orderCache.set(cacheKey, { version: c.store.version, ids });
    return ids;
  };

  const listPage = <T>(q: URLSearchParams, c: Collection<T>, render: (r: T) => unknown, cacheKey: string): FakeReply => {
    const pageRaw = q.get('page') ?? '0';
    const sizeRaw = q.get('page-size') ?? '100';
    if (!/^\d+$/.test(pageRaw)) return { status: 400, json: jamfError(400, 'INVALID_FIELD', 'page must be a non-negative integer', 'page') };
    if (!/^\d+$/.test(sizeRaw) || Number(sizeRaw) < 1) {
      return { status: 400, json: jamfError(400, 'INVALID_FIELD', 'page-size must be a positive integer', 'page-size') };
    }
    const page = Number(pageRaw);
    const size = Math.min(Number(sizeRaw), options.maxPageSize ?? Infinity);
    const sort = parseSort(q.get('sort'), c);
    if ('status' in sort) return sort;
    const filter = parseFilter(q.get('filter'), c);
    if (filter && 'status' in filter) return filter;
    let ids = orderedIds(c, sort.getters, `${cacheKey}|${q.get('sort') ?? c.defaultSort}`);
    if (filter) ids = ids.filter((id) => filter(c.store.get(id)!));
    const results = ids.slice(page * size, page * size + size).map((id) => render(c.store.get(id)!));
    return { status: 200, json: { totalCount: ids.length, results } };
  };

  const notFound = (what: string): FakeReply => ({ status: 404, json: jamfError(404, 'INVALID_ID', `${what} not found`, 'id') });

  const issueToken = () => {
    const value = `eyJhbGciOiJIUzI1NiJ9.${randomBytes(24).toString('base64url')}`;
    const expiresAt = now() + lifetimeSec * 1000;
    tokens.set(value, expiresAt);
    tokensIssued++;
    return { value, expiresAt };
  };

  const handle = (req: FakeRequestContext): FakeReply => {
    const { method, path, query: q } = req;

    if (method === 'POST' && path === '/api/oauth/token') {
      const ctype = String(req.headers['content-type'] ?? '');
      if (!ctype.startsWith('application/x-www-form-urlencoded')) {
        return { status: 415, json: { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded' } };
      }
      const form = new URLSearchParams(req.body);
      if (form.get('grant_type') !== 'client_credentials') return { status: 400, json: { error: 'unsupported_grant_type' } };
      if (form.get('client_id') !== creds.clientId || form.get('client_secret') !== creds.clientSecret) {
        return { status: 401, json: { error: 'invalid_client' } };
      }
      const scope = form.get('scope');
      if (scope && scope !== 'api-role:1') return { status: 400, json: { error: 'invalid_scope' } };
      const t = issueToken();
      return { status: 200, json: { access_token: t.value, scope: 'api-role:1', token_type: 'Bearer', expires_in: lifetimeSec } };
    }
    if (method === 'POST' && path === '/api/v1/auth/token') {
      const basic = parseBasicAuth(req.headers.authorization);
      if (!basic || basic.username !== creds.username || basic.password !== creds.password) {
        return { status: 401, json: { httpStatus: 401, errors: [] } };
      }
      const t = issueToken();
      return { status: 200, json: { token: t.value, expires: isoMs(t.expiresAt) } };
    }

    if (!path.startsWith('/api/')) return { status: 404, text: 'Not Found' };
    // Every other route needs a live bearer token.
    const presented = bearer(req.headers.authorization);
    const expiry = presented ? tokens.get(presented) : undefined;
    if (!presented || expiry === undefined || expiry <= now()) {
      return { status: 401, json: jamfError(401, 'INVALID_TOKEN', 'Unauthorized') };
    }

    if (method === 'POST' && path === '/api/v1/auth/keep-alive') {
      tokens.delete(presented);
      const t = issueToken();
      return { status: 200, json: { token: t.value, expires: isoMs(t.expiresAt) } };
    }
    if (method === 'POST' && path === '/api/v1/auth/invalidate-token') {
      tokens.delete(presented);
      return { status: 204 };
    }
    if (method === 'GET' && path === '/api/v1/jamf-pro-version') {
      return { status: 200, json: { version: options.version ?? '11.6.1-t1718125574' } };
    }
    if (method === 'GET' && path === '/api/v1/computers-inventory') {
      const keys = readSections(q, computerCollection);
      if (!Array.isArray(keys)) return keys;
      return listPage(q, computerCollection, (c) => project(c, computerCollection, keys), 'computers');
    }
    let m = /^\/api\/v1\/computers-inventory(-detail)?\/([^/]+)$/.exec(path);
    if (m) {
      const id = m[2]!;
      const rec = /^\d+$/.test(id) ? computerStore.get(Number(id)) : undefined;
      if (method === 'DELETE' && !m[1]) return rec && computerStore.remove(Number(id)) ? { status: 204 } : notFound(`Computer ${id}`);
      if (method === 'GET') {
        if (!rec) return notFound(`Computer ${id}`);
        const keys = m[1] ? Object.values(COMPUTER_SECTIONS) : readSections(q, computerCollection);
        if (!Array.isArray(keys)) return keys;
        return { status: 200, json: project(rec, computerCollection, keys) };
      }
    }
    if (method === 'GET' && path === '/api/v2/mobile-devices') {
      return listPage(q, compactMobileCollection, compactMobile, 'mobile-compact');
    }
    if (method === 'GET' && path === '/api/v2/mobile-devices/detail') {
      const keys = readSections(q, mobileCollection);
      if (!Array.isArray(keys)) return keys;
      return listPage(q, mobileCollection, (d) => project(d, mobileCollection, keys), 'mobile-detail');
    }
    m = /^\/api\/v2\/mobile-devices\/(\d+)(\/detail)?$/.exec(path);
    if (method === 'GET' && m) {
      const rec = mobileStore.get(Number(m[1]));
      if (!rec) return notFound(`Mobile device ${m[1]}`);
      return {
        status: 200,
        json: m[2] ? project(rec, mobileCollection, Object.values(MOBILE_SECTIONS)) : compactMobile(rec),
      };
    }
    return { status: 404, json: jamfError(404, 'NOT_FOUND', `No route for ${method} ${path}`) };
  };

  const server = await startFakeServer(
    {
      handle,
      errorBody: (status, message) => jamfError(status, status === 429 ? 'TOO_MANY_REQUESTS' : 'ERROR', message),
      corrupt: (json) => {
        const results = (json as { results?: Record<string, unknown>[] }).results;
        if (results?.[0]) {
          if ('mobileDeviceId' in results[0]) results[0].mobileDeviceId = 'not-a-number';
          else results[0].id = { not: 'an id' };
        } else if (json && typeof json === 'object') {
          (json as Record<string, unknown>).totalCount = 'many';
        }
        return json;
      },
    },
    options,
  );

  return {
    ...server,
    ...creds,
    get clientSecret() {
      return creds.clientSecret;
    },
    computers,
    mobileDevices,
    hosts: computers,
    expireTokens() {
      for (const t of tokens.keys()) tokens.set(t, 0);
    },
    rotateClientSecret(secret: string) {
      creds.clientSecret = secret;
    },
    get tokensIssued() {
      return tokensIssued;
    },
  };
}
