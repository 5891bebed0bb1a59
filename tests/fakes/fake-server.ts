// Shared machinery of the fake MDM servers (mdm-apis.md §6): a real node:http server on
// 127.0.0.1 with an ephemeral port, a request log, fault injection, and a lazily generated,
// mutable record store that can hold 100,000 devices without materialising them.
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names, as node delivers them. */
  headers: IncomingHttpHeaders;
  body: string;
  /** Filled in once the response is sent (undefined for hung or reset requests). */
  status?: number;
  /** The fault that shaped this response, if any. */
  fault?: FakeFault['type'];
}

export type FakeFault =
  /** Any status with the provider's error body (or `body`), optionally with Retry-After. */
  | { type: 'status'; status: number; retryAfter?: string; body?: unknown }
  /** 429 in the provider's shape with `Retry-After` (default "2", seconds; may be an HTTP date). */
  | { type: 'rate_limit'; retryAfter?: string }
  /** 200 with the real body cut in half (invalid JSON). */
  | { type: 'malformed_json' }
  /** 200 with valid JSON whose first record breaks the provider's schema. */
  | { type: 'bad_shape' }
  /** 200 with an HTML page, as an SSO proxy in front of the API would send. */
  | { type: 'html' }
  /** Waits `ms` before answering normally (exceed the client timeout to test timeouts). */
  | { type: 'delay'; ms: number }
  /** Never answers (until the server closes). */
  | { type: 'hang' }
  /** Destroys the socket without a response. */
  | { type: 'reset' };

export interface FaultRule {
  fault: FakeFault;
  /** Only requests whose path equals this string or matches this RegExp count. Default: all. */
  path?: string | RegExp;
  method?: string;
  /** Fires from the nth matching request (1-based), counted from when the rule was set. Default 1. */
  nth?: number;
  /** How many consecutive matching requests it applies to. Default 1; Infinity for "always". */
  times?: number;
}

interface ActiveRule extends FaultRule {
  seen: number;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  /** JSON value (serialised pretty, 2 spaces, like Fleet and Jamf) or a raw string. */
  json?: unknown;
  text?: string;
  /** Chunks streamed as they are produced (Fleet's unpaged "all hosts" response). */
  stream?: Iterable<string>;
}

export interface FakeRequestContext {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeProvider {
  handle(req: FakeRequestContext): FakeReply | Promise<FakeReply>;
  /** The provider's error body for a status (used by 'status' and 'rate_limit' faults). */
  errorBody(status: number, message: string): unknown;
  /** Breaks the first record of a successful JSON body (the 'bad_shape' fault). */
  corrupt(json: unknown): unknown;
}

export interface FakeServerOptions {
  /** Added to every response (slow server). */
  latencyMs?: number;
  /** Above this many requests in flight answer 503 (Jamf's guidance is ≤ 5 connections). */
  maxConcurrent?: number;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Replaces all fault rules with this one (null clears). */
  setFault(rule: FaultRule | FakeFault | null): void;
  addFault(rule: FaultRule | FakeFault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function toRule(rule: FaultRule | FakeFault): FaultRule {
  return 'fault' in rule ? rule : { fault: rule };
}

export async function startFakeServer(provider: FakeProvider, options: FakeServerOptions = {}): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  let rules: ActiveRule[] = [];
  let inFlight = 0;
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();

  const pickFault = (method: string, path: string): FakeFault | undefined => {
    for (const rule of rules) {
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (typeof rule.path === 'string' && rule.path !== path) continue;
      if (rule.path instanceof RegExp && !rule.path.test(path)) continue;
      rule.seen++;
      const first = rule.nth ?? 1;
      const times = rule.times ?? 1;
      if (rule.seen >= first && rule.seen < first + times) return rule.fault;
    }
    return undefined;
  };

  const send = (res: ServerResponse, record: RecordedRequest, reply: FakeReply) => {
    record.status = reply.status;
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.stream) {
      headers['content-type'] ??= 'application/json';
      res.writeHead(reply.status, headers);
      for (const chunk of reply.stream) res.write(chunk);
      res.end();
      return;
    }
    let body = '';
    if (reply.json !== undefined) {
      body = JSON.stringify(reply.json, null, 2);
      headers['content-type'] ??= 'application/json;charset=UTF-8';
    } else if (reply.text !== undefined) {
      body = reply.text;
      headers['content-type'] ??= 'text/plain;charset=UTF-8';
    }
    headers['content-length'] = String(Buffer.byteLength(body));
    res.writeHead(reply.status, headers);
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const u = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const record: RecordedRequest = {
      method,
      path: u.pathname,
      query: u.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(record);
    inFlight++;
    try {
      if (options.latencyMs) await sleep(options.latencyMs);
      if (options.maxConcurrent !== undefined && inFlight > options.maxConcurrent) {
        return send(res, record, { status: 503, json: provider.errorBody(503, 'Too many concurrent requests') });
      }
      const fault = pickFault(method, u.pathname);
      if (fault) record.fault = fault.type;
      switch (fault?.type) {
        case 'hang':
          hung.add(res);
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'delay':
          await sleep(fault.ms);
          break;
        case 'status': {
          const headers: Record<string, string> = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {};
          const json = fault.body ?? provider.errorBody(fault.status, http.STATUS_CODES[fault.status] ?? 'Error');
          return send(res, record, { status: fault.status, headers, json });
        }
        case 'rate_limit': {
          const retryAfter = fault.retryAfter ?? '2';
          return send(res, record, {
            status: 429,
            headers: { 'retry-after': retryAfter },
            json: provider.errorBody(429, `limit exceeded, retry after: ${retryAfter}s`),
          });
        }
        case 'html':
          return send(res, record, {
            status: 200,
            headers: { 'content-type': 'text/html;charset=UTF-8' },
            text: '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Sign in</form></body></html>',
          });
      }
      const ctx: FakeRequestContext = { method, path: u.pathname, query: u.searchParams, headers: req.headers, body: record.body };
      let reply = await provider.handle(ctx);
      if (fault?.type === 'bad_shape' && reply.status < 300 && reply.json !== undefined) {
        reply = { ...reply, json: provider.corrupt(structuredClone(reply.json)) };
      }
      if (fault?.type === 'malformed_json' && reply.status < 300) {
        const full = reply.json !== undefined ? JSON.stringify(reply.json, null, 2) : [...(reply.stream ?? [])].join('');
        reply = { status: reply.status, text: full.slice(0, Math.max(8, Math.floor(full.length / 2))), headers: { 'content-type': 'application/json' } };
      }
      return send(res, record, reply);
    } finally {
      inFlight--;
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(provider.errorBody(500, `fake server error: ${String(err)}`)));
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setFault(rule) {
      rules = rule ? [{ ...toRule(rule), seen: 0 }] : [];
    },
    addFault(rule) {
      rules.push({ ...toRule(rule), seen: 0 });
    },
    clearFaults() {
      rules = [];
    },
    async close() {
      for (const res of hung) res.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Records keyed by ascending integer id. Ids 1..generatedCount are produced on demand by
 * `generate(id)`; mutated or added records are kept as overrides. Listing walks a sorted id
 * array (8 bytes per device), so 100,000 devices cost about a megabyte until a page is served.
 */
export class LazyStore<T> {
  private ids: number[];
  private readonly overrides = new Map<number, T>();
  private nextId: number;
  /** Bumped on every change; lets callers cache derived orderings. */
  version = 0;

  constructor(
    generatedCount: number,
    private readonly generate: (id: number) => T,
    private readonly withId: (record: T, id: number) => T,
  ) {
    this.ids = Array.from({ length: generatedCount }, (_, i) => i + 1);
    this.nextId = generatedCount + 1;
  }

  get size(): number {
    return this.ids.length;
  }

  private indexOf(id: number): number {
    let lo = 0;
    let hi = this.ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.ids[mid]!;
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  has(id: number): boolean {
    return this.indexOf(id) >= 0;
  }

  get(id: number): T | undefined {
    if (!this.has(id)) return undefined;
    return this.overrides.get(id) ?? this.generate(id);
  }

  /** Ids in ascending order, without copying (do not hold on to it across mutations). */
  idsView(): readonly number[] {
    return this.ids;
  }

  /** Ids in ascending order (a copy). */
  allIds(): number[] {
    return [...this.ids];
  }

  /** Records at positions [offset, offset+limit) in id order. */
  slice(offset: number, limit: number): T[] {
    return this.ids.slice(offset, offset + limit).map((id) => this.get(id)!);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (const id of this.ids) yield this.get(id)!;
  }

  /** Adds a record under the next id (ids are never reused, like an auto-increment column). */
  add(make: (id: number) => T): T {
    const id = this.nextId++;
    const record = this.withId(make(id), id);
    this.ids.push(id);
    this.overrides.set(id, record);
    this.version++;
    return record;
  }

  update(id: number, change: (current: T) => T): T {
    const current = this.get(id);
    if (current === undefined) throw new Error(`no record with id ${id}`);
    const next = this.withId(change(current), id);
    this.overrides.set(id, next);
    this.version++;
    return next;
  }

  remove(id: number): boolean {
    const i = this.indexOf(id);
    if (i < 0) return false;
    this.ids.splice(i, 1);
    this.overrides.delete(id);
    this.version++;
    return true;
  }

  clear(): void {
    this.ids = [];
    this.overrides.clear();
    this.version++;
  }
}

/** Deterministic pseudo-random 32-bit value for an id (so generated devices are stable). */
export function hash32(n: number, salt = 0): number {
  let x = (n ^ (salt * 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

export function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0').slice(-width);
}

/** A stable UUID-shaped string for a generated device. */
export function fakeUuid(id: number, salt: number): string {
  return `${hex(hash32(id, salt), 8)}-${hex(hash32(id, salt + 1) & 0xffff, 4)}-4${hex(hash32(id, salt + 2) & 0xfff, 3)}-A${hex(hash32(id, salt + 3) & 0xfff, 3)}-${hex(id, 12)}`;
}

export function parseBasicAuth(header: string | undefined): { username: string; password: string } | null {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return null;
  return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

export function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m ? m[1]! : null;
}
