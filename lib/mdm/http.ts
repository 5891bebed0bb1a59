// The one place MDM clients touch the network: per-attempt timeouts, bounded retries with
// exponential backoff + jitter, Retry-After, and typed errors a "Test connection" button can show
// (mdm-apis.md §1.2 Fleet errors, §3.3 Jamf errors, §6.5 items 3-4).

export type MdmErrorKind =
  | 'dns'
  | 'tls'
  | 'connect'
  | 'timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'server'
  /** Any other 4xx (400 bad paging params, 402 Fleet Free, 422 validation) or an unusable base URL. */
  | 'bad_request'
  /** 2xx whose body is not the JSON the client expects (includes schema failures). */
  | 'bad_response';

export interface MdmErrorDetails {
  status?: number;
  /** The provider's own words: Fleet `message` (+ `errors[].reason`), Jamf `errors[].code: description`,
   *  OAuth `error: error_description`, or the start of a non-JSON body. */
  providerMessage?: string;
  /** Request URL (no credentials ever appear in it). */
  url?: string;
  /** Low-level error code when the failure came from the socket layer (ENOTFOUND, ECONNREFUSED, ...). */
  code?: string;
  /** Number of attempts made before giving up (1 = not retried). */
  attempts?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

export class MdmError extends Error {
  readonly kind: MdmErrorKind;
  readonly status?: number;
  readonly providerMessage?: string;
  readonly url?: string;
  readonly code?: string;
  /** The server's Retry-After, in ms, when it sent one. */
  readonly retryAfterMs?: number;
  attempts: number;

  constructor(kind: MdmErrorKind, message: string, details: MdmErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'MdmError';
    this.kind = kind;
    this.status = details.status;
    this.providerMessage = details.providerMessage;
    this.url = details.url;
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
    this.attempts = details.attempts ?? 1;
  }
}

export interface MdmRetryEvent {
  /** The attempt that just failed (1-based). */
  attempt: number;
  delayMs: number;
  error: MdmError;
}

export interface MdmHttpOptions {
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Injected for tests so retries never really wait; must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Clock used to turn an HTTP-date Retry-After into a delay. */
  now?: () => number;
  /** Per attempt, covering connect, headers and body. Default 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 4. */
  maxRetries?: number;
  /** First backoff step; doubles per retry. Default 1 s. */
  baseDelayMs?: number;
  /** Ceiling of a computed backoff step. Default 30 s. */
  maxDelayMs?: number;
  /** Ceiling applied to a server's Retry-After. Default 120 s. */
  maxRetryAfterMs?: number;
  userAgent?: string;
  /** Called before each retry wait (logging, progress). */
  onRetry?: (event: MdmRetryEvent) => void;
}

export interface MdmRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  url: URL | string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
  /** Caller cancellation; its reason is rethrown as is (not wrapped in MdmError). */
  signal?: AbortSignal;
  /** Replace the default human message for a kind, e.g. Jamf's token endpoint on 401. */
  messages?: Partial<Record<MdmErrorKind, string>>;
}

export interface MdmResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or null for an empty body (204). */
  body: unknown;
  attempts: number;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRYABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns milliseconds,
 * or undefined when absent or unparseable (then normal backoff applies).
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // An HTTP date always names a month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone would
  // accept "-3" as a year.
  if (!/[a-z]{3}/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Pulls the provider's message out of an error body: Fleet `{message, errors:[{name, reason}]}`,
 * Jamf `{httpStatus, errors:[{code, description}]}`, OAuth `{error, error_description}`; otherwise
 * the start of the text (HTML login pages from proxies are reduced to their text).
 */
export function extractProviderMessage(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    const plain = trimmed
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return plain ? truncate(plain, 200) : undefined;
  }
  if (!json || typeof json !== 'object') return truncate(String(json), 200);
  const o = json as Record<string, unknown>;
  const errors = Array.isArray(o.errors) ? (o.errors as unknown[]) : [];
  // Fleet
  if (typeof o.message === 'string') {
    const reasons = errors
      .map((e) => (e && typeof e === 'object' ? (e as Record<string, unknown>).reason : undefined))
      .filter((r): r is string => typeof r === 'string' && r !== '' && r !== o.message);
    return truncate([o.message, ...reasons].join('; '), 300);
  }
  // Jamf Pro API
  if (errors.length > 0) {
    const parts = errors
      .map((e) => {
        if (!e || typeof e !== 'object') return undefined;
        const { code, description, field } = e as Record<string, unknown>;
        const text = [code, description].filter((x) => typeof x === 'string' && x !== '').join(': ');
        return typeof field === 'string' && field ? `${text} (field ${field})` : text;
      })
      .filter((p): p is string => !!p);
    if (parts.length > 0) return truncate(parts.join('; '), 300);
  }
  // OAuth 2.0 (RFC 6749 §5.2), which Jamf's /api/oauth/token uses
  if (typeof o.error === 'string') {
    return typeof o.error_description === 'string' && o.error_description
      ? `${o.error}: ${o.error_description}`
      : o.error;
  }
  if (o.error && typeof o.error === 'object') {
    const inner = o.error as Record<string, unknown>;
    if (typeof inner.message === 'string') return truncate(inner.message, 300);
  }
  return truncate(trimmed, 200);
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Finds the first socket-level error code along the cause chain (undici wraps it in "fetch failed";
 *  happy-eyeballs failures arrive as an AggregateError). */
export function networkErrorCode(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    queue.push((e as { cause?: unknown }).cause);
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return undefined;
}

const TLS_UNTRUSTED: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in a self-signed root this server does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its issuer is unknown (missing intermediate certificate?)',
  UNABLE_TO_GET_ISSUER_CERT: 'its issuer is unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is not in this server’s trust store',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet (check clocks)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it does not name this host',
  CERT_REVOKED: 'it has been revoked',
  CERT_UNTRUSTED: 'it is not trusted',
};

function describeHost(url: URL): string {
  return url.host;
}

/** Maps a thrown fetch/body error to an MdmError; returns undefined for caller aborts. */
function classifyThrown(err: unknown, url: URL, timeoutMs: number): MdmError {
  const name = (err as { name?: unknown })?.name;
  const host = describeHost(url);
  const base = { url: url.toString(), cause: err };
  if (name === 'TimeoutError') {
    return new MdmError('timeout', `No response from ${host} within ${formatSeconds(timeoutMs)}`, base);
  }
  const code = networkErrorCode(err);
  const details = { ...base, code };
  switch (code) {
    case 'ENOTFOUND':
      return new MdmError('dns', `DNS lookup failed for host ${url.hostname}`, details);
    case 'EAI_AGAIN':
      return new MdmError('dns', `DNS lookup failed for host ${url.hostname} (temporary resolver failure)`, details);
    case 'ECONNREFUSED':
      return new MdmError('connect', `Connection refused by ${host} (is the server running and the port right?)`, details);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new MdmError('connect', `Host ${host} is unreachable from this server`, details);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return new MdmError('connect', `Connection to ${host} was closed unexpectedly`, details);
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new MdmError('timeout', `Timed out connecting to ${host}`, details);
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new MdmError('timeout', `No response from ${host} within the time limit`, details);
  }
  if (code && TLS_UNTRUSTED[code]) {
    return new MdmError(
      'tls',
      `TLS certificate not trusted: ${url.hostname} presented a certificate, but ${TLS_UNTRUSTED[code]}`,
      details,
    );
  }
  if (code && (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO' || /CERT/.test(code))) {
    return new MdmError(
      'tls',
      `TLS handshake with ${host} failed (${code}); check that the URL is https on an https port`,
      details,
    );
  }
  const message = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  return new MdmError('connect', `Could not reach ${host}: ${message}`, details);
}

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function statusKind(status: number): MdmErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'bad_request';
}

function statusMessage(kind: MdmErrorKind, status: number, url: URL, provider: string): string {
  const host = describeHost(url);
  switch (kind) {
    case 'unauthorized':
      return '401: the API token was rejected';
    case 'forbidden':
      return `403: the credentials are valid but lack permission for ${url.pathname}`;
    case 'not_found':
      return `404: ${url.pathname} was not found on ${host}; check the base URL`;
    case 'rate_limited':
      return `429: ${provider} at ${host} is rate limiting requests`;
    case 'server':
      return `${status}: ${provider} at ${host} returned a server error`;
    default:
      return `${status}: ${provider} at ${host} rejected the request to ${url.pathname}`;
  }
}

function withProvider(message: string, provider: string, providerMessage: string | undefined): string {
  return providerMessage ? `${message} (${provider} said: ${providerMessage})` : message;
}

export class MdmHttp {
  readonly provider: string;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly userAgent: string;
  private readonly onRetry?: (event: MdmRetryEvent) => void;

  /** `provider` names the remote in messages ("Fleet", "Jamf Pro"). */
  constructor(provider: string, options: MdmHttpOptions = {}) {
    this.provider = provider;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    this.userAgent = options.userAgent ?? 'Tessera-MDM-Sync/1';
    this.onRetry = options.onRetry;
  }

  /** Backoff before retry number `retry` (1-based): half fixed, half random ("equal jitter"). */
  backoffMs(retry: number): number {
    const step = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (retry - 1));
    return Math.round(step / 2 + this.random() * (step / 2));
  }

  async request(req: MdmRequest): Promise<MdmResponse> {
    const url = new URL(req.url);
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.attempt(url, req);
        return { ...res, attempts: attempt };
      } catch (err) {
        if (!(err instanceof MdmError)) throw err; // caller abort
        err.attempts = attempt;
        const retryable =
          err.status !== undefined ? RETRYABLE_STATUS.has(err.status) : isRetryableNetwork(err);
        if (!retryable || attempt > this.maxRetries) {
          if (attempt > 1 && retryable) err.message += ` (gave up after ${attempt} attempts)`;
          throw err;
        }
        const retryAfterMs = err.retryAfterMs;
        const delayMs =
          retryAfterMs !== undefined ? Math.min(retryAfterMs, this.maxRetryAfterMs) : this.backoffMs(attempt);
        this.onRetry?.({ attempt, delayMs, error: err });
        await this.sleep(delayMs, req.signal);
      }
    }
  }

  private async attempt(url: URL, req: MdmRequest): Promise<Omit<MdmResponse, 'attempts'>> {
    req.signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.userAgent,
      ...req.headers,
    };
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, { method: req.method ?? 'GET', headers, body: req.body, signal, redirect: 'follow' });
      text = await res.text();
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason;
      const e = classifyThrown(err, url, this.timeoutMs);
      const override = req.messages?.[e.kind];
      if (override) e.message = override;
      throw e;
    }

    if (res.status >= 200 && res.status < 300) {
      if (text.trim() === '') return { status: res.status, headers: res.headers, body: null };
      try {
        return { status: res.status, headers: res.headers, body: JSON.parse(text) };
      } catch (cause) {
        const type = res.headers.get('content-type') ?? 'no content type';
        const what = /html/i.test(type)
          ? 'an HTML page (a login page or proxy in front of the API?)'
          : `malformed JSON (${type})`;
        throw new MdmError(
          'bad_response',
          req.messages?.bad_response ?? `${this.provider} at ${url.host} answered ${url.pathname} with ${what}`,
          { status: res.status, url: url.toString(), providerMessage: extractProviderMessage(text), cause },
        );
      }
    }

    const kind = statusKind(res.status);
    const providerMessage = extractProviderMessage(text);
    const message = withProvider(
      req.messages?.[kind] ?? statusMessage(kind, res.status, url, this.provider),
      this.provider,
      providerMessage,
    );
    throw new MdmError(kind, message, {
      status: res.status,
      providerMessage,
      url: url.toString(),
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), this.now()),
    });
  }
}

function isRetryableNetwork(err: MdmError): boolean {
  if (err.kind === 'timeout') return true;
  if (err.kind === 'connect') return err.code === undefined || RETRYABLE_CODES.has(err.code);
  if (err.kind === 'dns') return err.code === 'EAI_AGAIN';
  return false;
}

/**
 * Joins a user-entered base URL and an API path, refusing anything but http(s). `apiPrefix` strips
 * an API prefix the user pasted along with the host (e.g. ".../api/v1/fleet").
 */
export function apiUrl(baseUrl: string, path: string, provider: string, apiPrefix?: RegExp): URL {
  let base: URL;
  try {
    base = new URL(baseUrl.trim());
  } catch {
    throw new MdmError('bad_request', `The ${provider} URL "${baseUrl}" is not a valid URL`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new MdmError('bad_request', `The ${provider} URL must start with https:// (got ${base.protocol})`);
  }
  if (base.username || base.password) {
    throw new MdmError('bad_request', `The ${provider} URL must not contain credentials`);
  }
  let prefix = base.pathname.replace(/\/+$/, '');
  if (apiPrefix) prefix = prefix.replace(apiPrefix, '');
  return new URL(`${base.origin}${prefix}${path}`);
}
