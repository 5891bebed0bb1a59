// A faithful fake of the Fleet REST API for tests (mdm-apis.md §1 and §6.1): Bearer auth with
// Fleet's error shape, list hosts with offset paging and no total, count, single host, identifier
// lookup, device mapping, teams/fleets (with a Free-tier 402 mode) and host deletion.
//
// Usage:
//   const fleet = await startFakeFleet({ hostCount: 1234 });
//   const client = new FleetClient({ baseUrl: fleet.url, token: fleet.token });
//   fleet.hosts.rename(3, 'New name'); fleet.hosts.reassign(3, 'bob@example.com'); fleet.hosts.remove(4);
//   fleet.setFault({ fault: { type: 'rate_limit', retryAfter: '7' }, path: '/api/v1/fleet/hosts', nth: 2 });
//   fleet.revokeToken();               // next request ⇒ 401
//   fleet.requests                     // every request: method, path, query, headers, body, status
//   await fleet.close();
import {
  bearer,
  fakeUuid,
  hash32,
  hex,
  LazyStore,
  startFakeServer,
  type FakeReply,
  type FakeRequestContext,
  type FakeServer,
  type FakeServerOptions,
} from './fake-server';

export type FleetMappingSource = 'mdm_idp_accounts' | 'custom' | 'custom_override' | 'custom_installer' | 'google_chrome_profiles';

export interface FakeFleetEndUser {
  idp_id: string;
  idp_username: string;
  idp_full_name: string;
  idp_groups: string[];
  idp_info_updated_at: string | null;
  other_emails: { email: string; source: string }[];
}

/** A host as the fake stores it: Fleet's JSON field names; `device_mapping` holds raw sources. */
export interface FakeFleetHost {
  id: number;
  uuid: string;
  hardware_serial: string;
  hostname: string;
  computer_name: string;
  display_name: string;
  platform: string;
  os_version: string;
  hardware_vendor: string;
  hardware_model: string;
  primary_ip: string;
  primary_mac: string;
  public_ip: string;
  team_id: number | null;
  team_name: string | null;
  created_at: string;
  updated_at: string;
  last_enrolled_at: string;
  seen_time: string;
  detail_updated_at: string;
  status: 'online' | 'offline' | 'new' | 'mia' | 'missing';
  mdm: {
    enrollment_status: string | null;
    name: string;
    server_url: string | null;
    encryption_key_available: boolean;
  };
  device_mapping: { email: string; source: FleetMappingSource }[];
  /** Premium IdP data; only on single-host responses (not on list hosts, issue #45014). */
  end_users: FakeFleetEndUser[];
}

export interface FakeFleetTeam {
  id: number;
  name: string;
}

export interface StartFakeFleetOptions extends FakeServerOptions {
  /** Generated hosts with ids 1..hostCount (lazily; 100,000 is fine). Default 0. */
  hostCount?: number;
  /** Explicit hosts appended after the generated ones (ids assigned in order). */
  hosts?: Partial<FakeFleetHost>[];
  /** The API token the fake accepts. Default a random-looking constant. */
  token?: string;
  /** Reported by GET /version. Default "4.58.0". */
  version?: string;
  teams?: FakeFleetTeam[];
  /** Fleet Free: /teams and /fleets answer 402. */
  freeTier?: boolean;
  /** 2026 servers (≈4.83+): hosts also carry fleet_id/fleet_name. */
  fleetsRename?: boolean;
}

export interface FakeFleetHosts {
  readonly size: number;
  get(id: number): FakeFleetHost | undefined;
  ids(): number[];
  all(): FakeFleetHost[];
  /** Adds a host under the next id; unspecified fields are generated. */
  add(host?: Partial<FakeFleetHost>): FakeFleetHost;
  update(id: number, patch: Partial<FakeFleetHost>): FakeFleetHost;
  rename(id: number, name: string): FakeFleetHost;
  /** Sets the owner (device mapping) email; null removes every mapping. */
  reassign(id: number, email: string | null, source?: FleetMappingSource): FakeFleetHost;
  /** Hard delete, as Fleet does: the host vanishes and GET /hosts/{id} ⇒ 404. */
  remove(id: number): boolean;
  /** Delete, then check in again: a new row with a new id and the same uuid/serial (§1.7). */
  reenroll(id: number): FakeFleetHost;
  clear(): void;
}

export interface FakeFleet extends FakeServer {
  token: string;
  hosts: FakeFleetHosts;
  /** Every later request with the old token ⇒ 401. */
  revokeToken(): void;
  /** Rotates the accepted token. */
  setToken(token: string): void;
}

const TEAMS: FakeFleetTeam[] = [
  { id: 1, name: 'Workstations' },
  { id: 2, name: 'Servers' },
  { id: 3, name: 'Mobile' },
];

// Generated timestamps take a few thousand distinct values; memoising keeps 100k hosts cheap.
const isoCache = new Map<number, string>();
function iso(ms: number): string {
  let s = isoCache.get(ms);
  if (s === undefined) {
    s = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (isoCache.size < 50_000) isoCache.set(ms, s);
  }
  return s;
}
const BASE_TIME = Date.UTC(2024, 5, 1, 10, 0, 0);

export function generateFleetHost(id: number): FakeFleetHost {
  const h = hash32(id, 7);
  const bucket = id % 20;
  const platform = bucket < 11 ? 'darwin' : bucket < 16 ? 'windows' : bucket < 18 ? 'ubuntu' : bucket < 19 ? 'ios' : 'ipados';
  const apple = platform === 'darwin' || platform === 'ios' || platform === 'ipados';
  const mdmEnrolled = platform !== 'ubuntu';
  const user = `user${id}`;
  const computerName =
    platform === 'darwin' ? `${user}'s MacBook Pro` : platform === 'windows' ? `DESKTOP-${hex(h, 7)}` : platform === 'ubuntu' ? `ubuntu-${id}` : `${user}'s ${platform === 'ios' ? 'iPhone' : 'iPad'}`;
  const hostname = platform === 'darwin' ? `${user}-mbp.local` : platform === 'windows' ? computerName : platform === 'ubuntu' ? `ubuntu-${id}` : '';
  // Every 4th Linux host is a VM with no serial (§1.3: hardware_serial may be "").
  const serial = platform === 'ubuntu' && id % 4 === 0 ? '' : `${apple ? 'C02' : 'PF'}${id.toString(36).toUpperCase().padStart(9, '0')}`;
  const enrolled = BASE_TIME - (h % 400) * 86_400_000;
  const seen = BASE_TIME - (h % 3600) * 1000;
  const mapping: FakeFleetHost['device_mapping'] =
    id % 10 === 0
      ? []
      : id % 10 === 1
        ? [
            { email: `${user}@gmail.com`, source: 'google_chrome_profiles' },
            { email: `${user}@example.com`, source: 'mdm_idp_accounts' },
          ]
        : [{ email: `${user}@example.com`, source: id % 3 === 0 ? 'custom_installer' : 'mdm_idp_accounts' }];
  const team = TEAMS[id % 4] ?? null;
  return {
    id,
    uuid: fakeUuid(id, 11),
    hardware_serial: serial,
    hostname,
    computer_name: computerName,
    display_name: computerName,
    platform,
    os_version:
      platform === 'darwin' ? 'macOS 14.5' : platform === 'windows' ? 'Windows 11 Pro 23H2 22631.3593' : platform === 'ubuntu' ? 'Ubuntu 22.04.4 LTS' : `${platform === 'ios' ? 'iOS' : 'iPadOS'} 17.5.1`,
    hardware_vendor: apple ? 'Apple Inc.' : platform === 'windows' ? 'LENOVO' : 'QEMU',
    hardware_model: platform === 'darwin' ? 'MacBookPro18,3' : platform === 'windows' ? '20XW004FUS' : platform === 'ubuntu' ? 'Standard PC (Q35 + ICH9, 2009)' : platform === 'ios' ? 'iPhone15,2' : 'iPad13,18',
    primary_ip: `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${id & 255}`,
    primary_mac: `36:1a:${hex((h >> 24) & 255, 2)}:${hex((h >> 16) & 255, 2)}:${hex((h >> 8) & 255, 2)}:${hex(h & 255, 2)}`.toLowerCase(),
    public_ip: '203.0.113.5',
    team_id: team?.id ?? null,
    team_name: team?.name ?? null,
    created_at: iso(enrolled),
    updated_at: iso(seen),
    last_enrolled_at: iso(enrolled),
    seen_time: iso(seen),
    detail_updated_at: iso(seen - 3_600_000),
    status: h % 7 === 0 ? 'offline' : 'online',
    mdm: mdmEnrolled
      ? {
          enrollment_status: id % 2 ? 'On (automatic)' : 'On (manual)',
          name: 'Fleet',
          server_url: 'https://fleet.example.com/mdm/apple/mdm',
          encryption_key_available: platform === 'darwin',
        }
      : { enrollment_status: null, name: '', server_url: null, encryption_key_available: false },
    device_mapping: mapping,
    end_users: [],
  };
}

function displaySource(source: FleetMappingSource): string {
  // The API reports both custom kinds as "custom" (server/fleet/hosts.go).
  return source === 'custom_installer' || source === 'custom_override' ? 'custom' : source;
}

const ERR = (message: string, reason = message) => ({
  message,
  errors: [{ name: 'base', reason }],
  uuid: '1272014b-902b-4b36-bcdb-75fde5eac1fc',
});

function badRequest(reason: string): FakeReply {
  return { status: 400, json: ERR('Bad request', reason) };
}

export async function startFakeFleet(options: StartFakeFleetOptions = {}): Promise<FakeFleet> {
  let token = options.token ?? 'fleet-test-token-4f8c2a9d1e7b';
  const teams = options.teams ?? TEAMS;
  const store = new LazyStore<FakeFleetHost>(options.hostCount ?? 0, generateFleetHost, (h, id) => ({ ...h, id }));

  const hosts: FakeFleetHosts = {
    get size() {
      return store.size;
    },
    get: (id) => store.get(id),
    ids: () => store.allIds(),
    all: () => [...store],
    add: (host = {}) => store.add((id) => ({ ...generateFleetHost(id), ...host })),
    update: (id, patch) => store.update(id, (h) => ({ ...h, ...patch })),
    rename: (id, name) => store.update(id, (h) => ({ ...h, computer_name: name, display_name: name })),
    reassign: (id, email, source = 'mdm_idp_accounts') =>
      store.update(id, (h) => ({ ...h, device_mapping: email ? [{ email, source }] : [], end_users: [] })),
    remove: (id) => store.remove(id),
    reenroll: (id) => {
      const old = store.get(id);
      if (!old) throw new Error(`no host ${id}`);
      store.remove(id);
      const now = iso(Date.now());
      return store.add(() => ({ ...old, created_at: now, last_enrolled_at: now, seen_time: now }));
    },
    clear: () => store.clear(),
  };
  for (const h of options.hosts ?? []) hosts.add(h);

  // Built field by field (not via spread/rest): this runs 100,000 times for a large listing.
  const serialize = (h: FakeFleetHost, withMapping: boolean, detail = false): Record<string, unknown> => {
    const out: Record<string, unknown> = {
      id: h.id,
      uuid: h.uuid,
      hardware_serial: h.hardware_serial,
      hostname: h.hostname,
      computer_name: h.computer_name,
      display_name: h.display_name,
      display_text: h.hostname || h.computer_name,
      platform: h.platform,
      os_version: h.os_version,
      hardware_vendor: h.hardware_vendor,
      hardware_model: h.hardware_model,
      primary_ip: h.primary_ip,
      primary_mac: h.primary_mac,
      public_ip: h.public_ip,
      team_id: h.team_id,
      team_name: h.team_name,
      created_at: h.created_at,
      updated_at: h.updated_at,
      last_enrolled_at: h.last_enrolled_at,
      seen_time: h.seen_time,
      detail_updated_at: h.detail_updated_at,
      label_updated_at: h.detail_updated_at,
      policy_updated_at: h.detail_updated_at,
      software_updated_at: h.detail_updated_at,
      status: h.status,
      issues: { failing_policies_count: 0, total_issues_count: 0 },
      mdm: detail ? { ...h.mdm, profiles: [] } : h.mdm,
    };
    if (options.fleetsRename) {
      out.fleet_id = h.team_id;
      out.fleet_name = h.team_name;
    }
    if (withMapping) {
      out.device_mapping = h.device_mapping.length
        ? h.device_mapping.map((m) => ({ email: m.email, source: displaySource(m.source) }))
        : null;
    }
    if (detail) {
      out.labels = [];
      out.users = [];
      out.batteries = [];
      out.end_users = h.end_users;
    }
    return out;
  };

  const readListOptions = (q: URLSearchParams): FakeReply | { page?: number; perPage?: number; orderKey: string; desc: boolean } => {
    const pageRaw = q.get('page');
    const perPageRaw = q.get('per_page');
    let page: number | undefined;
    let perPage: number | undefined;
    if (pageRaw !== null) {
      if (!/^-?\d+$/.test(pageRaw)) return badRequest('non-int page value');
      page = Number(pageRaw);
      if (page < 0) return badRequest('negative page value');
    }
    if (perPageRaw !== null) {
      if (!/^-?\d+$/.test(perPageRaw)) return badRequest('non-int per_page value');
      perPage = Number(perPageRaw);
      if (perPage <= 0) return badRequest('invalid per_page value');
    }
    if (page !== undefined && perPage === undefined) perPage = 20;
    if (perPage !== undefined && page === undefined) page = 0;
    const orderKey = q.get('order_key') ?? '';
    const dir = q.get('order_direction');
    if (dir !== null && !orderKey) return badRequest('order_key must be specified with order_direction');
    if (dir !== null && dir !== 'asc' && dir !== 'desc') return badRequest(`unknown order_direction: ${dir}`);
    return { page, perPage, orderKey: orderKey || 'id', desc: dir === 'desc' };
  };

  /** Hosts matching the filters, in the requested order. Fast path: id order, no filters. */
  const selectHosts = (q: URLSearchParams, orderKey: string, desc: boolean): FakeReply | { ids: readonly number[] | null; list: FakeFleetHost[] | null } => {
    if (q.has('team_id') && q.has('fleet_id')) return badRequest('Cannot specify both team_id and fleet_id');
    const teamRaw = q.get('fleet_id') ?? q.get('team_id');
    const status = q.get('status');
    const search = q.get('query')?.toLowerCase();
    const filtered = teamRaw !== null || status !== null || !!search;
    if (!filtered && orderKey === 'id') {
      return { ids: desc ? store.allIds().reverse() : store.idsView(), list: null };
    }
    let list = [...store];
    if (teamRaw !== null) {
      const team = Number(teamRaw);
      list = list.filter((h) => (team === 0 ? h.team_id === null : h.team_id === team));
    }
    if (status) list = list.filter((h) => h.status === status || (status === 'missing' && h.status === 'mia'));
    if (search) {
      list = list.filter(
        (h) =>
          h.hostname.toLowerCase().includes(search) ||
          h.hardware_serial.toLowerCase().includes(search) ||
          h.uuid.toLowerCase().includes(search) ||
          h.primary_ip.includes(search) ||
          (search.includes('@') && h.device_mapping.some((m) => m.email.toLowerCase() === search)),
      );
    }
    const key = orderKey.replace(/^h\./, '') as keyof FakeFleetHost;
    list.sort((a, b) => {
      const av = a[key] as unknown as string | number;
      const bv = b[key] as unknown as string | number;
      const c = av < bv ? -1 : av > bv ? 1 : a.id - b.id;
      return desc ? -c : c;
    });
    return { ids: null, list };
  };

  const listHosts = (q: URLSearchParams): FakeReply => {
    const opts = readListOptions(q);
    if ('status' in opts) return opts;
    const selected = selectHosts(q, opts.orderKey, opts.desc);
    if ('status' in selected) return selected;
    const withMapping = q.get('device_mapping') === 'true';
    const total = selected.ids?.length ?? selected.list!.length;
    const at = (i: number) => (selected.ids ? store.get(selected.ids[i]!)! : selected.list![i]!);
    if (opts.page === undefined || opts.perPage === undefined) {
      // No paging ⇒ every host in one response; streamed so 100k hosts never sit in one string.
      return {
        status: 200,
        stream: (function* () {
          yield '{\n  "hosts": [';
          for (let i = 0; i < total; i++) {
            const json = JSON.stringify(serialize(at(i), withMapping), null, 2).replace(/\n/g, '\n    ');
            yield `${i ? ',' : ''}\n    ${json}`;
          }
          yield total ? '\n  ]\n}' : ']\n}';
        })(),
      };
    }
    const start = opts.page * opts.perPage;
    const page: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(total, start + opts.perPage); i++) page.push(serialize(at(i), withMapping));
    return { status: 200, json: { hosts: page } };
  };

  const findByIdentifier = (identifier: string): FakeFleetHost | undefined => {
    const needle = identifier.toLowerCase();
    for (const h of store) {
      if (
        h.hostname.toLowerCase() === needle ||
        h.uuid.toLowerCase() === needle ||
        (h.hardware_serial !== '' && h.hardware_serial.toLowerCase() === needle)
      ) {
        return h;
      }
    }
    return undefined;
  };

  const notFound = (what: string): FakeReply => ({ status: 404, json: ERR('Resource Not Found', what) });

  const handle = (req: FakeRequestContext): FakeReply => {
    const m = /^\/api\/(?:v1|latest)\/fleet(\/.*)$/.exec(req.path);
    if (!m) return { status: 404, text: '404 page not found\n' };
    const route = m[1]!;
    const auth = req.headers.authorization;
    if (!auth) return { status: 401, json: ERR('Authorization header required') };
    if (bearer(auth) !== token) return { status: 401, json: ERR('Authentication required') };

    if (req.method === 'GET' && route === '/version') {
      return {
        status: 200,
        json: {
          version: options.version ?? '4.58.0',
          branch: 'HEAD',
          revision: '0f1c2d3e4b5a69788796a5b4c3d2e1f0a9b8c7d6',
          go_version: 'go1.22.5',
          build_date: '2024-10-01T00:00:00Z',
          build_user: 'runner',
        },
      };
    }
    if (req.method === 'GET' && route === '/hosts') return listHosts(req.query);
    if (req.method === 'GET' && route === '/hosts/count') {
      const selected = selectHosts(req.query, 'id', false);
      if ('status' in selected) return selected;
      return { status: 200, json: { count: selected.ids?.length ?? selected.list!.length } };
    }
    let r = /^\/hosts\/identifier\/(.+)$/.exec(route);
    if (req.method === 'GET' && r) {
      const host = findByIdentifier(decodeURIComponent(r[1]!));
      return host ? { status: 200, json: { host: serialize(host, true, true) } } : notFound(`Host ${r[1]} was not found in the datastore`);
    }
    r = /^\/hosts\/(\d+)\/device_mapping$/.exec(route);
    if (req.method === 'GET' && r) {
      const host = store.get(Number(r[1]));
      if (!host) return notFound(`Host ${r[1]} was not found in the datastore`);
      return {
        status: 200,
        json: { host_id: host.id, device_mapping: host.device_mapping.map((d) => ({ email: d.email, source: displaySource(d.source) })) },
      };
    }
    r = /^\/hosts\/(\d+)$/.exec(route);
    if (r) {
      const id = Number(r[1]);
      if (req.method === 'GET') {
        const host = store.get(id);
        return host ? { status: 200, json: { host: serialize(host, true, true) } } : notFound(`Host ${id} was not found in the datastore`);
      }
      if (req.method === 'DELETE') {
        return store.remove(id) ? { status: 200, json: {} } : notFound(`Host ${id} was not found in the datastore`);
      }
    }
    if (req.method === 'GET' && (route === '/teams' || route === '/fleets')) {
      if (options.freeTier) return { status: 402, json: ERR('Requires Fleet Premium license') };
      const counts = new Map<number, number>();
      for (const h of store) if (h.team_id !== null) counts.set(h.team_id, (counts.get(h.team_id) ?? 0) + 1);
      return {
        status: 200,
        json: { teams: teams.map((t) => ({ id: t.id, name: t.name, description: '', host_count: counts.get(t.id) ?? 0, user_count: 0 })) },
      };
    }
    return notFound(`no route for ${req.method} ${req.path}`);
  };

  const server = await startFakeServer(
    {
      handle,
      errorBody: (status, message) => ERR(message),
      corrupt: (json) => {
        const hosts = (json as { hosts?: Record<string, unknown>[] }).hosts;
        if (hosts?.[0]) hosts[0].id = 'not-a-number';
        else if (json && typeof json === 'object') (json as Record<string, unknown>).hosts = 'corrupted';
        return json;
      },
    },
    options,
  );

  return {
    ...server,
    get token() {
      return token;
    },
    hosts,
    revokeToken() {
      token = `revoked-${token}`;
    },
    setToken(t: string) {
      token = t;
    },
  };
}
