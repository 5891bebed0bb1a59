import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { extractProviderMessage, MdmError, MdmHttp, networkErrorCode, parseRetryAfter } from './http';

/** A sleep that records the waits and returns at once. */
function fakeSleep() {
  const waits: number[] = [];
  const sleep = vi.fn(async (ms: number) => {
    waits.push(ms);
  });
  return { waits, sleep };
}

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A fetch stub answering from a list of responses (or errors) in order. */
function scriptedFetch(script: (Response | Error)[]) {
  const calls: string[] = [];
  const fn = vi.fn(async (input: string | URL | Request) => {
    calls.push(String(input));
    const next = script.shift();
    if (!next) throw new Error('script exhausted');
    if (next instanceof Error) throw next;
    return next;
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

async function catchError(p: Promise<unknown>): Promise<MdmError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof MdmError) return err;
    throw err;
  }
  throw new Error('expected an MdmError');
}

describe('parseRetryAfter', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter(new Date(now - 30_000).toUTCString(), now)).toBe(0);
  });
  it('ignores absent or unparseable values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
});

describe('extractProviderMessage', () => {
  it('reads Fleet, Jamf, OAuth and HTML bodies', () => {
    expect(
      extractProviderMessage(
        JSON.stringify({ message: 'Validation Failed', errors: [{ name: 'per_page', reason: 'invalid per_page value' }] }),
      ),
    ).toBe('Validation Failed; invalid per_page value');
    expect(
      extractProviderMessage(JSON.stringify({ message: 'Authentication required', errors: [{ name: 'base', reason: 'Authentication required' }] })),
    ).toBe('Authentication required');
    expect(
      extractProviderMessage(
        JSON.stringify({ httpStatus: 401, errors: [{ code: 'INVALID_TOKEN', description: 'Unauthorized', id: '0', field: null }] }),
      ),
    ).toBe('INVALID_TOKEN: Unauthorized');
    expect(extractProviderMessage(JSON.stringify({ error: 'invalid_client' }))).toBe('invalid_client');
    expect(extractProviderMessage('<html><head><style>p{}</style></head><body><h1>Bad Gateway</h1></body></html>')).toBe('Bad Gateway');
    expect(extractProviderMessage('')).toBeUndefined();
  });
});

describe('MdmHttp retries', () => {
  it('retries 503 with exponential backoff and jitter, then succeeds', async () => {
    const { waits, sleep } = fakeSleep();
    const { fetch } = scriptedFetch([
      jsonResponse(503, { message: 'unavailable' }),
      jsonResponse(502, {}),
      jsonResponse(200, { ok: true }),
    ]);
    const onRetry = vi.fn();
    const client = new MdmHttp('Fleet', { fetch, sleep, random: () => 0, baseDelayMs: 1000, onRetry });
    const res = await client.request({ url: 'https://fleet.example.com/x' });
    expect(res.body).toEqual({ ok: true });
    expect(res.attempts).toBe(3);
    // equal jitter: half the step fixed, half random (random = 0 ⇒ the fixed half)
    expect(waits).toEqual([500, 1000]);
    expect(onRetry).toHaveBeenCalledTimes(2);
    expect(onRetry.mock.calls[0]![0]).toMatchObject({ attempt: 1, delayMs: 500 });
  });

  it('keeps jittered backoff within [step/2, step] and under the ceiling', () => {
    const hi = new MdmHttp('x', { random: () => 0.999999, baseDelayMs: 1000, maxDelayMs: 8000 });
    const lo = new MdmHttp('x', { random: () => 0, baseDelayMs: 1000, maxDelayMs: 8000 });
    expect([1, 2, 3, 4, 5, 6].map((n) => lo.backoffMs(n))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect([1, 2, 3, 4, 5, 6].map((n) => hi.backoffMs(n))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('honours Retry-After on 429 and caps it', async () => {
    const { waits, sleep } = fakeSleep();
    const { fetch } = scriptedFetch([
      jsonResponse(429, { message: 'limit exceeded, retry after: 7s' }, { 'retry-after': '7' }),
      jsonResponse(429, {}, { 'retry-after': '3600' }),
      jsonResponse(200, []),
    ]);
    const client = new MdmHttp('Fleet', { fetch, sleep, maxRetryAfterMs: 120_000 });
    await client.request({ url: 'https://fleet.example.com/x' });
    expect(waits).toEqual([7000, 120_000]);
  });

  it('honours Retry-After on 503 given as an HTTP date', async () => {
    const { waits, sleep } = fakeSleep();
    const now = Date.UTC(2025, 0, 1);
    const { fetch } = scriptedFetch([
      jsonResponse(503, {}, { 'retry-after': new Date(now + 12_000).toUTCString() }),
      jsonResponse(200, {}),
    ]);
    await new MdmHttp('Jamf Pro', { fetch, sleep, now: () => now }).request({ url: 'https://j.example.com/x' });
    expect(waits).toEqual([12_000]);
  });

  it.each([
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [422, 'bad_request'],
    [400, 'bad_request'],
    [500, 'server'],
  ] as const)('never retries %i (→ %s)', async (status, kind) => {
    const { sleep } = fakeSleep();
    const { fetch, calls } = scriptedFetch([jsonResponse(status, { message: 'nope', errors: [] }), jsonResponse(200, {})]);
    const err = await catchError(new MdmHttp('Fleet', { fetch, sleep }).request({ url: 'https://fleet.example.com/api/v1/fleet/hosts' }));
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
    expect(err.providerMessage).toBe('nope');
    expect(err.attempts).toBe(1);
    expect(calls).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('gives up after maxRetries and says so', async () => {
    const { waits, sleep } = fakeSleep();
    const { fetch, calls } = scriptedFetch(Array.from({ length: 5 }, () => jsonResponse(503, { message: 'down' })));
    const err = await catchError(new MdmHttp('Fleet', { fetch, sleep, maxRetries: 3 }).request({ url: 'https://f.example.com/x' }));
    expect(err.kind).toBe('server');
    expect(err.attempts).toBe(4);
    expect(calls).toHaveLength(4);
    expect(waits).toHaveLength(3);
    expect(err.message).toMatch(/^503: Fleet at f\.example\.com returned a server error \(Fleet said: down\) \(gave up after 4 attempts\)$/);
  });

  it('surfaces a 401 with a clear message and the provider text', async () => {
    const { fetch } = scriptedFetch([
      jsonResponse(401, { message: 'Authentication required', errors: [{ name: 'base', reason: 'Authentication required' }] }),
    ]);
    const err = await catchError(new MdmHttp('Fleet', { fetch }).request({ url: 'https://f.example.com/x' }));
    expect(err.message).toBe('401: the API token was rejected (Fleet said: Authentication required)');
  });

  it('treats an HTML 200 (SSO proxy) as bad_response without retrying', async () => {
    const { fetch, calls } = scriptedFetch([
      new Response('<html><body>Sign in</body></html>', { status: 200, headers: { 'content-type': 'text/html' } }),
    ]);
    const err = await catchError(new MdmHttp('Jamf Pro', { fetch }).request({ url: 'https://j.example.com/api/x' }));
    expect(err.kind).toBe('bad_response');
    expect(err.message).toMatch(/HTML page/);
    expect(calls).toHaveLength(1);
  });

  it('returns null for an empty 204 body', async () => {
    const { fetch } = scriptedFetch([new Response(null, { status: 204 })]);
    expect((await new MdmHttp('x', { fetch }).request({ url: 'https://x.example.com/' })).body).toBeNull();
  });

  it('rethrows a caller abort as is, without retrying', async () => {
    const controller = new AbortController();
    controller.abort(new Error('sync cancelled'));
    const { fetch, calls } = scriptedFetch([jsonResponse(200, {})]);
    await expect(new MdmHttp('x', { fetch }).request({ url: 'https://x.example.com/', signal: controller.signal })).rejects.toThrow(
      'sync cancelled',
    );
    expect(calls).toHaveLength(0);
  });
});

describe('MdmHttp network failures', () => {
  it('classifies socket error codes from the cause chain', async () => {
    const wrap = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
    const cases: [string, string, RegExp][] = [
      ['ENOTFOUND', 'dns', /^DNS lookup failed for host fleet\.example\.com$/],
      ['ECONNREFUSED', 'connect', /^Connection refused by fleet\.example\.com/],
      ['SELF_SIGNED_CERT_IN_CHAIN', 'tls', /^TLS certificate not trusted: fleet\.example\.com/],
      ['CERT_HAS_EXPIRED', 'tls', /has expired/],
      ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', /does not name this host/],
      ['UND_ERR_CONNECT_TIMEOUT', 'timeout', /^Timed out connecting/],
      ['EHOSTUNREACH', 'connect', /unreachable/],
    ];
    for (const [code, kind, message] of cases) {
      const { fetch } = scriptedFetch([wrap(code)]);
      const err = await catchError(new MdmHttp('Fleet', { fetch, maxRetries: 0 }).request({ url: 'https://fleet.example.com/x' }));
      expect([code, err.kind]).toEqual([code, kind]);
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
    }
  });

  it('finds codes inside an AggregateError (happy eyeballs)', () => {
    const agg = new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'all failed');
    expect(networkErrorCode(Object.assign(new TypeError('fetch failed'), { cause: agg }))).toBe('ECONNREFUSED');
  });

  it('retries connection errors but not DNS NXDOMAIN or TLS', async () => {
    const wrap = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
    const { sleep } = fakeSleep();
    const reset = scriptedFetch([wrap('ECONNRESET'), jsonResponse(200, { ok: 1 })]);
    expect((await new MdmHttp('x', { fetch: reset.fetch, sleep }).request({ url: 'https://x.example.com/' })).attempts).toBe(2);
    for (const code of ['ENOTFOUND', 'DEPTH_ZERO_SELF_SIGNED_CERT']) {
      const s = scriptedFetch([wrap(code), jsonResponse(200, {})]);
      await catchError(new MdmHttp('x', { fetch: s.fetch, sleep }).request({ url: 'https://x.example.com/' }));
      expect(s.calls).toHaveLength(1);
    }
  });

  it('reports a real DNS failure for a .invalid host', async () => {
    const { sleep } = fakeSleep();
    const err = await catchError(new MdmHttp('Fleet', { sleep }).request({ url: 'https://tessera-mdm-test.invalid/api/v1/fleet/version' }));
    expect(err.kind).toBe('dns');
    expect(err.message).toMatch(/^DNS lookup failed for host tessera-mdm-test\.invalid/);
  });

  it('reports a real refused connection on a closed port, after bounded retries', async () => {
    const s = http.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    const { waits, sleep } = fakeSleep();
    const err = await catchError(new MdmHttp('Fleet', { sleep, maxRetries: 2 }).request({ url: `http://127.0.0.1:${port}/` }));
    expect(err.kind).toBe('connect');
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.attempts).toBe(3);
    expect(waits).toHaveLength(2);
    expect(err.message).toMatch(new RegExp(`^Connection refused by 127\\.0\\.0\\.1:${port}`));
  });

  it('reports a real TLS handshake failure (https to a plain http port)', async () => {
    const host = await listen((_, res) => res.end('plain'));
    const err = await catchError(new MdmHttp('Jamf Pro', { maxRetries: 0 }).request({ url: `https://${host}/` }));
    expect(err.kind).toBe('tls');
    expect(err.message).toMatch(/^TLS handshake with 127\.0\.0\.1:\d+ failed/);
  });

  it('times out a server that never answers, and a body that never ends', async () => {
    const silent = await listen(() => {});
    const err = await catchError(new MdmHttp('Fleet', { timeoutMs: 100, maxRetries: 0 }).request({ url: `http://${silent}/` }));
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`No response from ${silent} within 100 ms`);

    const trickle = await listen((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"hosts": [');
    });
    const err2 = await catchError(new MdmHttp('Fleet', { timeoutMs: 100, maxRetries: 0 }).request({ url: `http://${trickle}/` }));
    expect(err2.kind).toBe('timeout');
  });
});
