import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeJamf, type FakeJamf, type StartFakeJamfOptions } from '@/tests/fakes/fake-jamf';
import { MdmError } from './http';
import { JamfClient, type JamfAuth, type JamfClientOptions } from './jamf-client';
import type { MdmDevicePage } from './types';

const fakes: FakeJamf[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

/** One clock shared by the fake and the client, so token expiry needs no real waiting. */
function manualClock(start = Date.UTC(2025, 0, 1, 9, 0, 0)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

async function jamfWith(options: StartFakeJamfOptions = {}) {
  const fake = await startFakeJamf(options);
  fakes.push(fake);
  return fake;
}

function oauth(fake: FakeJamf): JamfAuth {
  return { method: 'client_credentials', clientId: fake.clientId, clientSecret: fake.clientSecret };
}

function clientFor(fake: FakeJamf, extra: Partial<JamfClientOptions> = {}) {
  const waits: number[] = [];
  const sleep = vi.fn(async (ms: number) => {
    waits.push(ms);
  });
  const client = new JamfClient({ baseUrl: fake.url, auth: oauth(fake), sleep, random: () => 0, ...extra });
  return { client, waits, sleep };
}

async function collect(pages: AsyncIterable<MdmDevicePage>) {
  const seen: MdmDevicePage[] = [];
  for await (const p of pages) seen.push(p);
  return { pages: seen, devices: seen.flatMap((p) => p.devices) };
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

const COMPUTERS = '/api/v1/computers-inventory';
const TOKEN = '/api/oauth/token';
const paths = (fake: FakeJamf) => fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
const inventoryRequests = (fake: FakeJamf) => fake.requests.filter((r) => r.path === COMPUTERS);

describe('Jamf auth', () => {
  it('obtains an OAuth token with a form-encoded client-credentials request and reuses it', async () => {
    const fake = await jamfWith({ computerCount: 250 });
    const { client } = clientFor(fake);
    await collect(client.listComputers());
    const tokenReq = fake.requests.find((r) => r.path === TOKEN)!;
    expect(tokenReq.method).toBe('POST');
    expect(tokenReq.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenReq.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: fake.clientId,
      client_secret: fake.clientSecret,
    });
    expect(fake.tokensIssued).toBe(1);
    for (const r of inventoryRequests(fake)) expect(r.headers.authorization).toMatch(/^Bearer eyJ/);
  });

  it('reports a wrong client secret as unauthorized, without retrying', async () => {
    const fake = await jamfWith({ computerCount: 1 });
    const { client, sleep } = clientFor(fake, {
      auth: { method: 'client_credentials', clientId: fake.clientId, clientSecret: 'wrong' },
    });
    const err = await catchError(client.testConnection());
    expect(err.kind).toBe('unauthorized');
    expect(err.providerMessage).toBe('invalid_client');
    expect(err.message).toBe('401: the API client ID or secret was rejected (Jamf Pro said: invalid_client)');
    expect(paths(fake)).toEqual([`POST ${TOKEN} 401`]);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('explains a missing OAuth endpoint (Jamf Pro before 10.49)', async () => {
    const fake = await jamfWith();
    fake.setFault({ fault: { type: 'status', status: 404 }, path: TOKEN });
    const { client } = clientFor(fake);
    const err = await catchError(client.testConnection());
    expect(err.kind).toBe('not_found');
    expect(err.message).toMatch(/before 10\.49/);
  });

  it('refreshes the token before it expires', async () => {
    const clock = manualClock();
    const fake = await jamfWith({ computerCount: 30, tokenLifetimeSec: 5, now: clock.now });
    const { client } = clientFor(fake, { now: clock.now });
    const pages: number[] = [];
    for await (const p of client.listComputers({ pageSize: 10 })) {
      pages.push(p.page);
      clock.advance(3000); // 2 s left of 5: inside the refresh margin (half the lifetime)
    }
    expect(pages).toEqual([0, 1, 2]);
    expect(fake.tokensIssued).toBe(3);
    expect(fake.requests.some((r) => r.status === 401)).toBe(false);
  });

  it('gets a new token once on 401 (expired server-side) and retries the request', async () => {
    const fake = await jamfWith({ computerCount: 30 });
    const { client, sleep } = clientFor(fake);
    const pages: number[] = [];
    for await (const p of client.listComputers({ pageSize: 10 })) {
      pages.push(p.page);
      if (p.page === 0) fake.expireTokens();
    }
    expect(pages).toEqual([0, 1, 2]);
    expect(fake.tokensIssued).toBe(2);
    expect(paths(fake)).toEqual([
      `POST ${TOKEN} 200`,
      `GET ${COMPUTERS} 200`,
      `GET ${COMPUTERS} 401`,
      `POST ${TOKEN} 200`,
      `GET ${COMPUTERS} 200`,
      `GET ${COMPUTERS} 200`,
    ]);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('gives up after one refresh when the API keeps answering 401', async () => {
    const fake = await jamfWith({ computerCount: 5 });
    fake.setFault({ fault: { type: 'status', status: 401 }, path: COMPUTERS, times: Infinity });
    const { client } = clientFor(fake);
    const err = await catchError(collect(client.listComputers()));
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toMatch(/^401: Jamf Pro rejected a freshly issued token/);
    expect(paths(fake)).toEqual([`POST ${TOKEN} 200`, `GET ${COMPUTERS} 401`, `POST ${TOKEN} 200`, `GET ${COMPUTERS} 401`]);
  });

  it('shares one token request between concurrent listings', async () => {
    const fake = await jamfWith({ computerCount: 50, mobileDeviceCount: 50 });
    const { client } = clientFor(fake);
    const [a, b] = await Promise.all([collect(client.listComputers({ pageSize: 10 })), collect(client.listMobileDevices({ pageSize: 10 }))]);
    expect([a.devices.length, b.devices.length]).toEqual([50, 50]);
    expect(fake.tokensIssued).toBe(1);
  });

  it('supports the legacy user bearer token (basic auth) and invalidates it', async () => {
    const fake = await jamfWith({ computerCount: 3 });
    const { client } = clientFor(fake, { auth: { method: 'basic', username: fake.username, password: fake.password } });
    const info = await client.testConnection();
    expect(info.authMethod).toBe('basic');
    const tokenReq = fake.requests.find((r) => r.path === '/api/v1/auth/token')!;
    expect(tokenReq.headers.authorization).toBe(`Basic ${Buffer.from(`${fake.username}:${fake.password}`).toString('base64')}`);
    await client.invalidateToken();
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/auth/invalidate-token', status: 204 });
    await collect(client.listComputers());
    expect(fake.tokensIssued).toBe(2);

    const bad = clientFor(fake, { auth: { method: 'basic', username: fake.username, password: 'nope' } }).client;
    const err = await catchError(bad.testConnection());
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toMatch(/username or password was rejected/);
  });
});

describe('JamfClient.testConnection', () => {
  it('reports version, computer count and auth method', async () => {
    const fake = await jamfWith({ computerCount: 77, version: '11.6.1-t1718125574' });
    const { client } = clientFor(fake);
    expect(await client.testConnection()).toEqual({
      serverVersion: '11.6.1-t1718125574',
      computerCount: 77,
      authMethod: 'client_credentials',
    });
  });

  it('names the missing privilege on 403', async () => {
    const fake = await jamfWith({ computerCount: 1 });
    fake.setFault({ fault: { type: 'status', status: 403 }, path: COMPUTERS });
    const { client } = clientFor(fake);
    const err = await catchError(client.testConnection());
    expect(err.kind).toBe('forbidden');
    expect(err.message).toMatch(/^403: the API role lacks the "Read Computers" privilege/);
  });
});

describe('JamfClient.listComputers paging', () => {
  it('pages with repeated sections, page, page-size and sort=id:asc until totalCount', async () => {
    const fake = await jamfWith({ computerCount: 250 });
    const { client } = clientFor(fake);
    const { pages, devices } = await collect(client.listComputers({ pageSize: 100 }));
    expect(pages.map((p) => [p.page, p.devices.length, p.totalCount])).toEqual([
      [0, 100, 250],
      [1, 100, 250],
      [2, 50, 250],
    ]);
    expect(new Set(devices.map((d) => d.externalId)).size).toBe(250);
    const reqs = inventoryRequests(fake);
    expect(reqs).toHaveLength(3);
    reqs.forEach((r, i) => {
      expect(r.query.getAll('section')).toEqual(['GENERAL', 'HARDWARE', 'OPERATING_SYSTEM', 'USER_AND_LOCATION']);
      expect(r.query.get('page')).toBe(String(i));
      expect(r.query.get('page-size')).toBe('100');
      expect(r.query.get('sort')).toBe('id:asc');
    });
  });

  it('needs no extra request when the total is an exact multiple', async () => {
    const fake = await jamfWith({ computerCount: 200 });
    const { client } = clientFor(fake);
    const { devices } = await collect(client.listComputers({ pageSize: 100 }));
    expect(devices).toHaveLength(200);
    expect(inventoryRequests(fake)).toHaveLength(2);
  });

  it('makes one request for an empty inventory', async () => {
    const fake = await jamfWith();
    const { client } = clientFor(fake);
    expect((await collect(client.listComputers())).pages).toEqual([]);
    expect(inventoryRequests(fake)).toHaveLength(1);
  });

  it('pages through 100,000 generated computers', async () => {
    const fake = await jamfWith({ computerCount: 100_000 });
    const { client } = clientFor(fake);
    let count = 0;
    for await (const p of client.listComputers({ pageSize: 2000 })) count += p.devices.length;
    expect(count).toBe(100_000);
    expect(inventoryRequests(fake)).toHaveLength(50);
  });

  it('detects a server that clamps page-size instead of silently skipping records', async () => {
    const fake = await jamfWith({ computerCount: 250, maxPageSize: 50 });
    const { client } = clientFor(fake);
    const err = await catchError(collect(client.listComputers({ pageSize: 100 })));
    expect(err.kind).toBe('bad_response');
    expect(err.message).toMatch(/returned 50 computer records on page 0 of 250 with page-size=100/);
  });

  it('reflects renames, reassignments, removals and re-enrollments', async () => {
    const fake = await jamfWith({ computerCount: 6 });
    const { client } = clientFor(fake);
    const before = (await collect(client.listComputers())).devices;
    fake.computers.rename('1', 'Lab Mac');
    fake.computers.reassign('2', 'carol@example.com');
    fake.computers.remove('3');
    const re = fake.computers.reenroll('4');
    const after = new Map((await collect(client.listComputers())).devices.map((d) => [d.externalId, d]));
    expect(after.get('1')!.name).toBe('Lab Mac');
    expect(after.get('2')!.ownerEmail).toBe('carol@example.com');
    expect(after.has('3')).toBe(false);
    expect(after.has('4')).toBe(false);
    expect(after.get(re.id)!.hardwareUuid).toBe(before.find((d) => d.externalId === '4')!.hardwareUuid);
    expect(await client.getComputer('3')).toBeNull();
    expect((await client.getComputer('1'))!.name).toBe('Lab Mac');
  });
});

describe('JamfClient.listComputers faults', () => {
  it('waits Retry-After on 429 and retries the same page', async () => {
    const fake = await jamfWith({ computerCount: 25 });
    fake.setFault({ fault: { type: 'rate_limit', retryAfter: '3' }, path: COMPUTERS, nth: 2 });
    const { client, waits } = clientFor(fake);
    const { devices } = await collect(client.listComputers({ pageSize: 10 }));
    expect(devices).toHaveLength(25);
    expect(waits).toEqual([3000]);
    expect(inventoryRequests(fake).map((r) => [r.query.get('page'), r.status])).toEqual([
      ['0', 200],
      ['1', 429],
      ['1', 200],
      ['2', 200],
    ]);
  });

  it('retries a 503 then succeeds', async () => {
    const fake = await jamfWith({ computerCount: 25 });
    fake.setFault({ fault: { type: 'status', status: 503 }, path: COMPUTERS, nth: 1 });
    const { client, waits } = clientFor(fake);
    expect((await collect(client.listComputers({ pageSize: 10 }))).devices).toHaveLength(25);
    expect(waits).toEqual([500]);
  });

  it('answers 503 beyond the concurrency cap, and the client recovers', async () => {
    const fake = await jamfWith({ computerCount: 40, maxConcurrent: 2, latencyMs: 20 });
    // Real (short) backoff here: the point is that spaced retries get through.
    const client = new JamfClient({ baseUrl: fake.url, auth: oauth(fake), baseDelayMs: 50, maxRetries: 10 });
    const results = await Promise.all([1, 2, 3].map(() => collect(client.listComputers({ pageSize: 20 }))));
    expect(results.map((r) => r.devices.length)).toEqual([40, 40, 40]);
    expect(fake.requests.some((r) => r.status === 503)).toBe(true);
  });

  it.each([
    ['malformed_json', /malformed JSON/],
    ['bad_shape', /malformed computer on page 1 \(item 0, id:/],
  ] as const)('turns a %s page into bad_response', async (type, message) => {
    const fake = await jamfWith({ computerCount: 30 });
    fake.setFault({ fault: { type }, path: COMPUTERS, nth: 2 });
    const { client } = clientFor(fake);
    const err = await catchError(collect(client.listComputers({ pageSize: 10 })));
    expect(err.kind).toBe('bad_response');
    expect(err.message).toMatch(message);
  });
});

describe('Jamf normalisation', () => {
  it('maps computers to MdmDevice', async () => {
    const fake = await jamfWith({
      computers: [
        {
          udid: '0F1D3A6B-6B2B-5C2E-9F1A-3D2B1C0A9E8F',
          general: {
            name: "Anna's MacBook Pro",
            lastContactTime: '2024-06-01T09:59:12.345Z',
            lastEnrolledDate: '2023-02-26T22:33:12Z',
            platform: 'Mac',
            remoteManagement: { managed: true },
            site: { id: '-1', name: 'None' },
          },
          hardware: { serialNumber: 'C02ABC123DEF', model: 'MacBook Pro (14-inch, 2021)', modelIdentifier: 'MacBookPro18,3' },
          operatingSystem: { name: 'macOS', version: '14.5', build: '23F79' },
          userAndLocation: { username: 'anna', realname: 'Anna Chao', email: 'anna@example.com' },
        },
        { general: { remoteManagement: { managed: false }, site: { id: '2', name: 'London' } }, userAndLocation: { email: '' } },
      ],
    });
    const { client } = clientFor(fake);
    const [anna, other] = (await collect(client.listComputers())).devices;
    expect(anna).toMatchObject({
      provider: 'jamf',
      kind: 'computer',
      externalId: '1',
      serial: 'C02ABC123DEF',
      hardwareUuid: '0F1D3A6B-6B2B-5C2E-9F1A-3D2B1C0A9E8F',
      name: "Anna's MacBook Pro",
      hostname: null,
      platform: 'macos',
      osName: 'macOS',
      osVersion: '14.5',
      model: 'MacBook Pro (14-inch, 2021)',
      vendor: 'Apple',
      ownerEmail: 'anna@example.com',
      lastSeenAt: new Date('2024-06-01T09:59:12.345Z'),
      enrolledAt: new Date('2023-02-26T22:33:12Z'),
      managed: true,
      group: null,
    });
    expect((anna!.raw as { purchasing: unknown }).purchasing).toBeNull();
    expect(other).toMatchObject({ ownerEmail: null, managed: false, group: { id: '2', name: 'London' } });
  });

  it('lists mobile devices from /api/v2/mobile-devices/detail and maps iPhone, iPad and Apple TV', async () => {
    const fake = await jamfWith({ mobileDeviceCount: 10 });
    const { client } = clientFor(fake);
    const { pages, devices } = await collect(client.listMobileDevices({ pageSize: 4 }));
    expect(pages.map((p) => p.devices.length)).toEqual([4, 4, 2]);
    const reqs = fake.requests.filter((r) => r.path === '/api/v2/mobile-devices/detail');
    expect(reqs[0]!.query.getAll('section')).toEqual(['GENERAL', 'HARDWARE', 'USER_AND_LOCATION']);
    expect(reqs[0]!.query.get('sort')).toBe('mobileDeviceId:asc');
    const byId = new Map(devices.map((d) => [d.externalId, d]));
    expect(byId.get('1')).toMatchObject({
      kind: 'mobile',
      platform: 'ios',
      osName: 'iOS',
      name: "user1's iPhone",
      ownerEmail: 'user1@example.com',
      model: 'iPhone 15',
      managed: true,
    });
    expect(byId.get('1')!.serial).toMatch(/^F/);
    expect(byId.get('1')!.hardwareUuid).toMatch(/^00008110-/);
    expect(byId.get('3')).toMatchObject({ platform: 'ipados', osName: 'iPadOS' });
    expect(byId.get('9')).toMatchObject({ platform: 'tvos', ownerEmail: null });
  });
});
