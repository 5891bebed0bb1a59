// Jamf Pro API client for inventory sync: OAuth client credentials (or the legacy user bearer
// token), cached and refreshed before expiry or once on 401, and totalCount-paged computer and
// mobile device inventory normalised to MdmDevice (mdm-apis.md §3.1-3.6).
import { z } from 'zod';
import { apiUrl, MdmError, MdmHttp, type MdmHttpOptions, type MdmRequest } from './http';
import type { MdmDevice, MdmDevicePage, MdmPlatform } from './types';

export type JamfAuth =
  /** API client (Jamf Pro ≥ 10.49, preferred): Settings → API Roles and Clients. */
  | { method: 'client_credentials'; clientId: string; clientSecret: string; scope?: string }
  /** Legacy user account via POST /api/v1/auth/token (no SSO accounts). */
  | { method: 'basic'; username: string; password: string };

export interface JamfClientOptions extends MdmHttpOptions {
  /** e.g. https://acme.jamfcloud.com or https://jamf.internal:8443 */
  baseUrl: string;
  auth: JamfAuth;
  /** Renew a token when less than this remains (capped at half its lifetime). Default 60 s. */
  refreshMarginMs?: number;
}

export interface JamfConnectionInfo {
  /** From GET /api/v1/jamf-pro-version; null when that call is not permitted. */
  serverVersion: string | null;
  computerCount: number;
  authMethod: JamfAuth['method'];
}

export interface JamfListOptions {
  /** Default 100 (Jamf's default page-size). */
  pageSize?: number;
  signal?: AbortSignal;
  /** Resume a listing at this page (a sync run continuing from its checkpoint). */
  startPage?: number;
}

/** Sections requested from /api/v1/computers-inventory; everything else comes back null. */
export const JAMF_COMPUTER_SECTIONS = ['GENERAL', 'HARDWARE', 'OPERATING_SYSTEM', 'USER_AND_LOCATION'] as const;
export const JAMF_MOBILE_SECTIONS = ['GENERAL', 'HARDWARE', 'USER_AND_LOCATION'] as const;

const str = z.string().nullish();
const jamfId = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);

export const jamfComputerSchema = z.looseObject({
  id: jamfId,
  udid: str,
  general: z
    .looseObject({
      name: str,
      platform: str,
      lastContactTime: str,
      lastEnrolledDate: str,
      reportDate: str,
      managementId: str,
      remoteManagement: z.looseObject({ managed: z.boolean().nullish() }).nullish(),
      site: z.looseObject({ id: z.union([z.string(), z.number()]).nullish(), name: str }).nullish(),
    })
    .nullish(),
  hardware: z
    .looseObject({ serialNumber: str, model: str, modelIdentifier: str, make: str })
    .nullish(),
  operatingSystem: z.looseObject({ name: str, version: str, build: str }).nullish(),
  userAndLocation: z.looseObject({ username: str, realname: str, email: str }).nullish(),
});
export type JamfComputer = z.infer<typeof jamfComputerSchema>;

export const jamfMobileDeviceSchema = z.looseObject({
  mobileDeviceId: jamfId,
  deviceType: str,
  general: z
    .looseObject({
      udid: str,
      displayName: str,
      osVersion: str,
      lastInventoryUpdateDate: str,
      lastEnrolledDate: str,
      managed: z.boolean().nullish(),
      siteId: z.union([z.string(), z.number()]).nullish(),
      managementId: str,
    })
    .nullish(),
  hardware: z.looseObject({ serialNumber: str, model: str, modelIdentifier: str }).nullish(),
  userAndLocation: z.looseObject({ username: str, realName: str, emailAddress: str }).nullish(),
});
export type JamfMobileDevice = z.infer<typeof jamfMobileDeviceSchema>;

const pageSchema = z.looseObject({ totalCount: z.number().int().nonnegative(), results: z.array(z.unknown()) });
const oauthTokenSchema = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().positive() });
const basicTokenSchema = z.looseObject({ token: z.string().min(1), expires: z.string() });
const versionSchema = z.looseObject({ version: z.string() });

const text = (s: string | null | undefined) => (s && s.trim() ? s.trim() : null);

function parseJamfTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) || t <= 0 ? null : new Date(t);
}

function siteGroup(id: string | number | null | undefined, name: string | null | undefined) {
  // Jamf uses site id -1 / "None" for "no site".
  if (id == null || String(id) === '-1') return null;
  return { id: String(id), name: name ?? null };
}

export function normalizeJamfComputer(c: JamfComputer): MdmDevice {
  const platform = (c.general?.platform ?? 'Mac').toLowerCase();
  const mdmPlatform: MdmPlatform = platform === 'mac' ? 'macos' : platform === 'windows' ? 'windows' : 'unknown';
  return {
    provider: 'jamf',
    kind: 'computer',
    externalId: c.id,
    serial: text(c.hardware?.serialNumber),
    hardwareUuid: text(c.udid),
    name: text(c.general?.name),
    hostname: null,
    platform: mdmPlatform,
    osName: text(c.operatingSystem?.name) ?? (mdmPlatform === 'macos' ? 'macOS' : null),
    osVersion: text(c.operatingSystem?.version),
    model: text(c.hardware?.model) ?? text(c.hardware?.modelIdentifier),
    vendor: text(c.hardware?.make) ?? (mdmPlatform === 'macos' ? 'Apple' : null),
    ownerEmail: text(c.userAndLocation?.email),
    lastSeenAt: parseJamfTime(c.general?.lastContactTime),
    enrolledAt: parseJamfTime(c.general?.lastEnrolledDate),
    managed: c.general?.remoteManagement?.managed ?? null,
    group: siteGroup(c.general?.site?.id, c.general?.site?.name),
    raw: c,
  };
}

function mobilePlatform(d: JamfMobileDevice): MdmPlatform {
  const type = (d.deviceType ?? '').toLowerCase();
  const model = `${d.hardware?.modelIdentifier ?? ''} ${d.hardware?.model ?? ''}`.toLowerCase();
  if (type.includes('tv') || model.includes('appletv')) return 'tvos';
  if (type.includes('watch')) return 'watchos';
  if (type.includes('vision')) return 'visionos';
  if (model.includes('ipad')) return 'ipados';
  return 'ios';
}

const MOBILE_OS_NAME: Partial<Record<MdmPlatform, string>> = {
  ios: 'iOS',
  ipados: 'iPadOS',
  tvos: 'tvOS',
  watchos: 'watchOS',
  visionos: 'visionOS',
};

export function normalizeJamfMobileDevice(d: JamfMobileDevice): MdmDevice {
  const platform = mobilePlatform(d);
  return {
    provider: 'jamf',
    kind: 'mobile',
    externalId: d.mobileDeviceId,
    serial: text(d.hardware?.serialNumber),
    hardwareUuid: text(d.general?.udid),
    name: text(d.general?.displayName),
    hostname: null,
    platform,
    osName: MOBILE_OS_NAME[platform] ?? null,
    osVersion: text(d.general?.osVersion),
    model: text(d.hardware?.model) ?? text(d.hardware?.modelIdentifier),
    vendor: 'Apple',
    ownerEmail: text(d.userAndLocation?.emailAddress),
    lastSeenAt: parseJamfTime(d.general?.lastInventoryUpdateDate),
    enrolledAt: parseJamfTime(d.general?.lastEnrolledDate),
    managed: d.general?.managed ?? null,
    group: siteGroup(d.general?.siteId, null),
    raw: d,
  };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  return `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`;
}

interface CachedToken {
  value: string;
  expiresAt: number;
  lifetimeMs: number;
}

interface PagedResource<T> {
  path: string;
  sections: readonly string[];
  sort: string;
  what: string;
  schema: z.ZodType<T>;
  id: (item: T) => string;
  normalize: (item: T) => MdmDevice;
  privilege: string;
}

export class JamfClient {
  private readonly http: MdmHttp;
  private readonly baseUrl: string;
  private readonly auth: JamfAuth;
  private readonly now: () => number;
  private readonly refreshMarginMs: number;
  private token?: CachedToken;
  private pendingToken?: Promise<CachedToken>;

  constructor(options: JamfClientOptions) {
    this.http = new MdmHttp('Jamf Pro', options);
    this.baseUrl = options.baseUrl;
    this.auth = options.auth;
    this.now = options.now ?? Date.now;
    this.refreshMarginMs = options.refreshMarginMs ?? 60_000;
    apiUrl(this.baseUrl, '/', 'Jamf Pro');
  }

  private url(path: string): URL {
    // Admins often paste ".../api" (the Jamf Pro API base) instead of the server URL.
    return apiUrl(this.baseUrl, `/api${path}`, 'Jamf Pro', /\/api$/);
  }

  // ---- tokens -------------------------------------------------------------------------------

  private async requestToken(signal?: AbortSignal): Promise<CachedToken> {
    const issuedAt = this.now();
    if (this.auth.method === 'client_credentials') {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.auth.clientId,
        client_secret: this.auth.clientSecret,
      });
      if (this.auth.scope) form.set('scope', this.auth.scope);
      const url = this.url('/oauth/token');
      const res = await this.http.request({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        signal,
        messages: {
          unauthorized: '401: the API client ID or secret was rejected',
          not_found:
            '404: /api/oauth/token not found; Jamf Pro before 10.49 has no API clients (use a user account) or the URL is wrong',
        },
      });
      const parsed = oauthTokenSchema.safeParse(res.body);
      if (!parsed.success) throw this.badToken(url, parsed.error);
      const lifetimeMs = parsed.data.expires_in * 1000;
      return { value: parsed.data.access_token, lifetimeMs, expiresAt: issuedAt + lifetimeMs };
    }
    const url = this.url('/v1/auth/token');
    const basic = Buffer.from(`${this.auth.username}:${this.auth.password}`, 'utf8').toString('base64');
    const res = await this.http.request({
      method: 'POST',
      url,
      headers: { authorization: `Basic ${basic}` },
      signal,
      messages: { unauthorized: '401: the Jamf Pro username or password was rejected (SSO accounts cannot use the API)' },
    });
    const parsed = basicTokenSchema.safeParse(res.body);
    if (!parsed.success) throw this.badToken(url, parsed.error);
    // `expires` is the server's clock; trust it only as far as it is plausible (≤ 24 h ahead).
    const serverExpiry = Date.parse(parsed.data.expires);
    const lifetimeMs = Number.isNaN(serverExpiry)
      ? 20 * 60_000
      : Math.min(Math.max(serverExpiry - issuedAt, 0), 24 * 3600_000);
    return { value: parsed.data.token, lifetimeMs, expiresAt: issuedAt + lifetimeMs };
  }

  private badToken(url: URL, error: z.ZodError): MdmError {
    return new MdmError('bad_response', `Jamf Pro returned an unexpected token response (${describeIssue(error)})`, {
      url: url.toString(),
      cause: error,
    });
  }

  private fresh(token: CachedToken | undefined): token is CachedToken {
    if (!token) return false;
    const margin = Math.min(this.refreshMarginMs, token.lifetimeMs / 2);
    return this.now() < token.expiresAt - margin;
  }

  /**
   * A valid bearer token; concurrent callers share one token request. `rejected` is a token the
   * server just answered 401 to: it is replaced unless another caller already replaced it.
   */
  private async accessToken(signal: AbortSignal | undefined, rejected?: string): Promise<string> {
    if (this.fresh(this.token) && this.token.value !== rejected) return this.token.value;
    if (rejected !== undefined && this.token?.value === rejected) this.token = undefined;
    this.pendingToken ??= this.requestToken(signal).finally(() => {
      this.pendingToken = undefined;
    });
    this.token = await this.pendingToken;
    return this.token.value;
  }

  /**
   * Drops the cached token; for user tokens also revokes it server-side
   * (POST /api/v1/auth/invalidate-token). OAuth tokens cannot be revoked and simply expire.
   */
  async invalidateToken(options: { signal?: AbortSignal } = {}): Promise<void> {
    const token = this.token;
    this.token = undefined;
    if (!token || this.auth.method !== 'basic' || !this.fresh(token)) return;
    await this.http.request({
      method: 'POST',
      url: this.url('/v1/auth/invalidate-token'),
      headers: { authorization: `Bearer ${token.value}` },
      signal: options.signal,
    });
  }

  /** GET with a bearer token; on 401 gets a new token once and retries, a second 401 is final. */
  private async get(url: URL, signal: AbortSignal | undefined, messages: MdmRequest['messages'] = {}): Promise<unknown> {
    const send = async (token: string) =>
      (await this.http.request({ url, headers: { authorization: `Bearer ${token}` }, signal, messages })).body;
    // Token endpoint failures (bad secret, ...) propagate as they are; only API 401s re-authenticate.
    const token = await this.accessToken(signal);
    try {
      return await send(token);
    } catch (err) {
      if (!(err instanceof MdmError) || err.kind !== 'unauthorized') throw err;
    }
    const renewed = await this.accessToken(signal, token);
    try {
      return await send(renewed);
    } catch (err) {
      if (err instanceof MdmError && err.kind === 'unauthorized') {
        err.message =
          '401: Jamf Pro rejected a freshly issued token (API client disabled, or the account lost access)' +
          (err.providerMessage ? ` (Jamf Pro said: ${err.providerMessage})` : '');
      }
      throw err;
    }
  }

  // ---- API ----------------------------------------------------------------------------------

  /** For a "Test connection" button: obtains a token and reads one computer page (privilege check). */
  async testConnection(options: { signal?: AbortSignal } = {}): Promise<JamfConnectionInfo> {
    await this.accessToken(options.signal);
    const first = await this.fetchPage(this.computers, 0, 1, options.signal);
    let serverVersion: string | null = null;
    try {
      const url = this.url('/v1/jamf-pro-version');
      const parsed = versionSchema.safeParse(await this.get(url, options.signal));
      if (parsed.success) serverVersion = parsed.data.version;
    } catch (err) {
      // The version is informative only; a role without that privilege must not fail the test.
      if (!(err instanceof MdmError) || (err.kind !== 'forbidden' && err.kind !== 'not_found')) throw err;
    }
    return { serverVersion, computerCount: first.totalCount, authMethod: this.auth.method };
  }

  private readonly computers: PagedResource<JamfComputer> = {
    path: '/v1/computers-inventory',
    sections: JAMF_COMPUTER_SECTIONS,
    sort: 'id:asc',
    what: 'computer',
    schema: jamfComputerSchema,
    id: (c) => c.id,
    normalize: normalizeJamfComputer,
    privilege: 'Read Computers',
  };

  private readonly mobileDevices: PagedResource<JamfMobileDevice> = {
    path: '/v2/mobile-devices/detail',
    sections: JAMF_MOBILE_SECTIONS,
    sort: 'mobileDeviceId:asc',
    what: 'mobile device',
    schema: jamfMobileDeviceSchema,
    id: (d) => d.mobileDeviceId,
    normalize: normalizeJamfMobileDevice,
    privilege: 'Read Mobile Devices',
  };

  private async fetchPage<T>(
    resource: PagedResource<T>,
    page: number,
    pageSize: number,
    signal: AbortSignal | undefined,
  ): Promise<{ totalCount: number; items: T[]; url: URL }> {
    const url = this.url(resource.path);
    for (const s of resource.sections) url.searchParams.append('section', s);
    url.searchParams.set('page', String(page));
    url.searchParams.set('page-size', String(pageSize));
    url.searchParams.set('sort', resource.sort);
    const body = await this.get(url, signal, {
      forbidden: `403: the API role lacks the "${resource.privilege}" privilege`,
    });
    const envelope = pageSchema.safeParse(body);
    if (!envelope.success) {
      throw new MdmError(
        'bad_response',
        `Jamf Pro returned an unexpected ${resource.what} page ${page} (${describeIssue(envelope.error)})`,
        { url: url.toString(), cause: envelope.error },
      );
    }
    if (envelope.data.results.length > pageSize) {
      throw new MdmError(
        'bad_response',
        `Jamf Pro returned ${envelope.data.results.length} ${resource.what} records for page-size=${pageSize}; paging parameters were ignored`,
        { url: url.toString() },
      );
    }
    const items: T[] = [];
    for (let i = 0; i < envelope.data.results.length; i++) {
      const parsed = resource.schema.safeParse(envelope.data.results[i]);
      if (!parsed.success) {
        throw new MdmError(
          'bad_response',
          `Jamf Pro returned a malformed ${resource.what} on page ${page} (item ${i}, ${describeIssue(parsed.error)})`,
          { url: url.toString(), cause: parsed.error },
        );
      }
      items.push(parsed.data);
    }
    return { totalCount: envelope.data.totalCount, items, url };
  }

  private async *paginate<T>(resource: PagedResource<T>, options: JamfListOptions): AsyncGenerator<MdmDevicePage, void, undefined> {
    const pageSize = options.pageSize ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) {
      throw new RangeError(`pageSize must be an integer from 1 to 10000 (got ${pageSize})`);
    }
    let lastId = -1;
    for (let page = options.startPage ?? 0; ; page++) {
      const { totalCount, items, url } = await this.fetchPage(resource, page, pageSize, options.signal);
      for (const item of items) {
        const id = Number(resource.id(item));
        // Sorted by id asc: ids only grow; otherwise the sort was ignored and pages could overlap.
        if (id <= lastId) {
          throw new MdmError(
            'bad_response',
            `Jamf Pro returned ${resource.what} records out of id order on page ${page} (id ${id} after ${lastId})`,
            { url: url.toString() },
          );
        }
        lastId = id;
      }
      // A short page before the end means the server capped page-size; carrying on would skip
      // records at every page boundary, and a sync would then treat them as removed.
      if (items.length > 0 && items.length < pageSize && (page + 1) * pageSize < totalCount) {
        throw new MdmError(
          'bad_response',
          `Jamf Pro returned ${items.length} ${resource.what} records on page ${page} of ${totalCount} with page-size=${pageSize}; it caps the page size, use ${items.length} or less`,
          { url: url.toString() },
        );
      }
      if (items.length > 0) yield { page, devices: items.map(resource.normalize), totalCount };
      // §3.4: stop when (page+1)*page-size >= totalCount or a page comes back empty.
      if (items.length === 0 || (page + 1) * pageSize >= totalCount) return;
    }
  }

  /** Computers from /api/v1/computers-inventory, sorted id:asc, with totalCount on every page. */
  listComputers(options: JamfListOptions = {}): AsyncGenerator<MdmDevicePage, void, undefined> {
    return this.paginate(this.computers, options);
  }

  /** iPhones, iPads, Apple TVs from /api/v2/mobile-devices/detail, sorted mobileDeviceId:asc. */
  listMobileDevices(options: JamfListOptions = {}): AsyncGenerator<MdmDevicePage, void, undefined> {
    return this.paginate(this.mobileDevices, options);
  }

  /** One computer by Jamf id, or null on 404 (to confirm a removal before applying it). */
  async getComputer(id: string, options: { signal?: AbortSignal } = {}): Promise<MdmDevice | null> {
    const url = this.url(`/v1/computers-inventory/${encodeURIComponent(id)}`);
    for (const s of JAMF_COMPUTER_SECTIONS) url.searchParams.append('section', s);
    let body: unknown;
    try {
      body = await this.get(url, options.signal);
    } catch (err) {
      if (err instanceof MdmError && err.kind === 'not_found') return null;
      throw err;
    }
    const parsed = jamfComputerSchema.safeParse(body);
    if (!parsed.success) {
      throw new MdmError('bad_response', `Jamf Pro returned a malformed computer (${describeIssue(parsed.error)})`, {
        url: url.toString(),
        cause: parsed.error,
      });
    }
    return normalizeJamfComputer(parsed.data);
  }
}
