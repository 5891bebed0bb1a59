// Fleet REST API client for inventory sync: version check, host count and offset-paged host listing
// normalised to MdmDevice (mdm-apis.md §1.1-1.5, §1.8 and the Corrections section).
import { z } from 'zod';
import { apiUrl, MdmError, MdmHttp, type MdmHttpOptions } from './http';
import type { MdmDevice, MdmDevicePage, MdmPlatform } from './types';

export interface FleetClientOptions extends MdmHttpOptions {
  /** Fleet server URL as the admin entered it, e.g. https://fleet.example.com. */
  baseUrl: string;
  /** API token (API-only observer user recommended). */
  token: string;
}

export interface FleetConnectionInfo {
  /** `version` from GET /api/v1/fleet/version, e.g. "4.58.0". */
  serverVersion: string;
  /** From GET /api/v1/fleet/hosts/count; proves the token may read hosts. */
  hostCount: number;
}

export interface FleetListOptions {
  /** Default 500 (the doc's recommended sync call). */
  perPage?: number;
  signal?: AbortSignal;
  /** Resume a listing at this page (a sync run continuing from its checkpoint). */
  startPage?: number;
}

const nullableString = z.string().nullish();
// Go's zero time (0001-01-01T00:00:00Z) means "never"; it parses but is turned into null below.
const timestamp = z.string().nullish();

/** Tolerant of extra fields (newer servers add fleet_id, timezone, ...); strict on identity fields. */
export const fleetHostSchema = z.looseObject({
  id: z.number().int().positive(),
  uuid: z.string(),
  hardware_serial: z.string(),
  hostname: z.string(),
  computer_name: nullableString,
  display_name: nullableString,
  platform: nullableString,
  os_version: nullableString,
  hardware_vendor: nullableString,
  hardware_model: nullableString,
  team_id: z.number().int().nullish(),
  team_name: nullableString,
  fleet_id: z.number().int().nullish(),
  fleet_name: nullableString,
  created_at: timestamp,
  last_enrolled_at: timestamp,
  last_mdm_enrolled_at: timestamp,
  seen_time: timestamp,
  status: nullableString,
  mdm: z
    .looseObject({
      enrollment_status: nullableString,
      name: nullableString,
      server_url: nullableString,
    })
    .nullish(),
  device_mapping: z.array(z.looseObject({ email: z.string(), source: nullableString })).nullish(),
  end_users: z
    .array(
      z.looseObject({
        idp_username: nullableString,
        other_emails: z.array(z.looseObject({ email: z.string(), source: nullableString })).nullish(),
      }),
    )
    .nullish(),
});
export type FleetHost = z.infer<typeof fleetHostSchema>;

const listHostsSchema = z.looseObject({ hosts: z.array(z.unknown()) });
const versionSchema = z.looseObject({ version: z.string() });
const countSchema = z.looseObject({ count: z.number().int().nonnegative() });
const hostEnvelopeSchema = z.looseObject({ host: z.unknown() });

const LINUX_PLATFORMS = new Set([
  'linux', 'ubuntu', 'debian', 'rhel', 'centos', 'fedora', 'amzn', 'arch', 'archarm', 'manjaro',
  'manjaro-arm', 'opensuse', 'opensuse-leap', 'opensuse-tumbleweed', 'sles', 'suse', 'gentoo',
  'nixos', 'kali', 'pop', 'linuxmint', 'rocky', 'almalinux', 'ol', 'tuxedo', 'endeavouros',
]);

function fleetPlatform(platform: string | null | undefined): MdmPlatform {
  const p = (platform ?? '').toLowerCase();
  if (p === 'darwin') return 'macos';
  if (p === 'windows') return 'windows';
  if (p === 'ios') return 'ios';
  if (p === 'ipados') return 'ipados';
  if (p === 'android') return 'android';
  if (p === 'chrome') return 'chromeos';
  if (LINUX_PLATFORMS.has(p) || p.includes('linux')) return 'linux';
  return 'unknown';
}

export function parseFleetTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const t = Date.parse(value);
  // Go zero time and anything before the Unix epoch mean "never happened".
  if (Number.isNaN(t) || t <= 0) return null;
  return new Date(t);
}

const OWNER_SOURCE_RANK: Record<string, number> = {
  mdm_idp_accounts: 0,
  custom: 1,
  custom_override: 1,
  custom_installer: 1,
  google_chrome_profiles: 2,
};

/**
 * Owner email, in the order §1.4 suggests: the IdP username of the first end user (Premium,
 * single-host responses), then device_mapping by source: mdm_idp_accounts, custom,
 * google_chrome_profiles, anything else.
 */
export function fleetOwnerEmail(host: Pick<FleetHost, 'end_users' | 'device_mapping'>): string | null {
  const idp = host.end_users?.[0]?.idp_username?.trim();
  if (idp && idp.includes('@')) return idp;
  const candidates = (host.device_mapping ?? [])
    .map((m, index) => ({ email: m.email.trim(), rank: OWNER_SOURCE_RANK[m.source ?? ''] ?? 3, index }))
    .filter((m) => m.email.includes('@'))
    .sort((a, b) => a.rank - b.rank || a.index - b.index);
  return candidates[0]?.email ?? null;
}

export function normalizeFleetHost(host: FleetHost): MdmDevice {
  const platform = fleetPlatform(host.platform);
  const enrollment = host.mdm?.enrollment_status;
  const groupId = host.fleet_id ?? host.team_id;
  const str = (s: string | null | undefined) => (s && s.trim() ? s.trim() : null);
  return {
    provider: 'fleet',
    kind: platform === 'ios' || platform === 'ipados' || platform === 'android' ? 'mobile' : 'computer',
    externalId: String(host.id),
    serial: str(host.hardware_serial),
    hardwareUuid: str(host.uuid),
    name: str(host.display_name) ?? str(host.computer_name) ?? str(host.hostname),
    hostname: str(host.hostname),
    platform,
    osName: str(host.platform),
    osVersion: str(host.os_version),
    model: str(host.hardware_model),
    vendor: str(host.hardware_vendor),
    ownerEmail: fleetOwnerEmail(host),
    lastSeenAt: parseFleetTime(host.seen_time),
    enrolledAt: parseFleetTime(host.last_enrolled_at) ?? parseFleetTime(host.last_mdm_enrolled_at),
    managed: enrollment ? /^on\b/i.test(enrollment) : null,
    group: groupId != null ? { id: String(groupId), name: host.fleet_name ?? host.team_name ?? null } : null,
    raw: host,
  };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const path = issue.path.length ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}

/** Strips an API path the admin may have pasted with the host ("/api/v1/fleet", "/api/latest"). */
const FLEET_API_PREFIX = /\/api(\/(v1|latest))?(\/fleet)?$/;

export class FleetClient {
  private readonly http: MdmHttp;
  private readonly baseUrl: string;
  private readonly token: string;

  constructor(options: FleetClientOptions) {
    this.http = new MdmHttp('Fleet', options);
    this.baseUrl = options.baseUrl;
    this.token = options.token;
    apiUrl(this.baseUrl, '/', 'Fleet'); // fail fast on an unusable URL
  }

  private url(path: string, query?: Record<string, string | number | boolean>): URL {
    const url = apiUrl(this.baseUrl, `/api/v1/fleet${path}`, 'Fleet', FLEET_API_PREFIX);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, String(v));
    return url;
  }

  private async get(url: URL, signal?: AbortSignal): Promise<unknown> {
    const res = await this.http.request({
      url,
      headers: { authorization: `Bearer ${this.token}` },
      signal,
      messages: {
        // A Fleet 401 is final: API-only tokens do not expire, so it means revoked/rotated (§1.2).
        unauthorized: '401: the API token was rejected (revoked, rotated, or its user was deleted)',
        forbidden: `403: the API token's role may not read ${url.pathname} (an observer role is enough)`,
      },
    });
    return res.body;
  }

  private parse<T>(schema: z.ZodType<T>, body: unknown, what: string, url: URL): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new MdmError('bad_response', `Fleet returned an unexpected ${what} (${describeIssue(parsed.error)})`, {
        url: url.toString(),
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  /** For a "Test connection" button: proves reachability, TLS, the token, and read access to hosts. */
  async testConnection(options: { signal?: AbortSignal } = {}): Promise<FleetConnectionInfo> {
    const versionUrl = this.url('/version');
    const version = this.parse(versionSchema, await this.get(versionUrl, options.signal), 'version response', versionUrl);
    const hostCount = await this.countHosts(options);
    return { serverVersion: version.version, hostCount };
  }

  async countHosts(options: { signal?: AbortSignal } = {}): Promise<number> {
    const url = this.url('/hosts/count');
    return this.parse(countSchema, await this.get(url, options.signal), 'host count response', url).count;
  }

  /**
   * All hosts, one page at a time: page=0,1,... with a fixed per_page, ordered by id ascending,
   * stopping at the first short page (an empty last page when the total is an exact multiple).
   * Any malformed page throws MdmError('bad_response'), so a sync never mistakes a truncated
   * listing for a complete one. Empty pages are not yielded.
   */
  async *listHosts(options: FleetListOptions = {}): AsyncGenerator<MdmDevicePage, void, undefined> {
    const perPage = options.perPage ?? 500;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 10_000) {
      throw new RangeError(`perPage must be an integer from 1 to 10000 (got ${perPage})`);
    }
    let lastId = 0;
    for (let page = options.startPage ?? 0; ; page++) {
      const url = this.url('/hosts', {
        page,
        per_page: perPage,
        order_key: 'id',
        order_direction: 'asc',
        device_mapping: true,
        disable_failing_policies: true,
      });
      const envelope = this.parse(listHostsSchema, await this.get(url, options.signal), `hosts page ${page}`, url);
      if (envelope.hosts.length > perPage) {
        throw new MdmError(
          'bad_response',
          `Fleet returned ${envelope.hosts.length} hosts for page ${page} with per_page=${perPage}; paging parameters were ignored (a proxy stripping the query string?)`,
          { url: url.toString() },
        );
      }
      const devices: MdmDevice[] = [];
      for (let i = 0; i < envelope.hosts.length; i++) {
        const parsed = fleetHostSchema.safeParse(envelope.hosts[i]);
        if (!parsed.success) {
          throw new MdmError(
            'bad_response',
            `Fleet returned a malformed host on page ${page} (item ${i}, ${describeIssue(parsed.error)})`,
            { url: url.toString(), cause: parsed.error },
          );
        }
        // Ordered by id asc, ids only grow across pages; anything else means the server did not
        // honour the ordering or paging, and continuing could loop or silently skip hosts.
        if (parsed.data.id <= lastId) {
          throw new MdmError(
            'bad_response',
            `Fleet returned hosts out of id order on page ${page} (id ${parsed.data.id} after ${lastId})`,
            { url: url.toString() },
          );
        }
        lastId = parsed.data.id;
        devices.push(normalizeFleetHost(parsed.data));
      }
      if (devices.length > 0) yield { page, devices };
      if (envelope.hosts.length < perPage) return;
    }
  }

  /**
   * One host by Fleet's numeric id (GET /hosts/{id}); null when Fleet answers 404, as it does for a
   * deleted host. A sync asks this before flagging a host it did not see as removed: offset pages
   * shift when a host is deleted mid-listing, so one that still exists can fall between two pages.
   */
  async getHostById(id: number, options: { signal?: AbortSignal } = {}): Promise<MdmDevice | null> {
    const url = this.url(`/hosts/${id}`);
    url.searchParams.set('exclude_software', 'true');
    let body: unknown;
    try {
      body = await this.get(url, options.signal);
    } catch (err) {
      if (err instanceof MdmError && err.kind === 'not_found') return null;
      throw err;
    }
    const { host } = this.parse(hostEnvelopeSchema, body, 'host response', url);
    return normalizeFleetHost(this.parse(fleetHostSchema, host, 'host', url));
  }

  /**
   * One host by hostname, uuid or hardware serial (GET /hosts/identifier/{identifier}); null when
   * Fleet answers 404. Useful to confirm a host really vanished before a sync removes it.
   */
  async getHost(identifier: string, options: { signal?: AbortSignal } = {}): Promise<MdmDevice | null> {
    const url = this.url(`/hosts/identifier/${encodeURIComponent(identifier)}`);
    url.searchParams.set('exclude_software', 'true');
    let body: unknown;
    try {
      body = await this.get(url, options.signal);
    } catch (err) {
      if (err instanceof MdmError && err.kind === 'not_found') return null;
      throw err;
    }
    const { host } = this.parse(hostEnvelopeSchema, body, 'host response', url);
    return normalizeFleetHost(this.parse(fleetHostSchema, host, 'host', url));
  }
}
