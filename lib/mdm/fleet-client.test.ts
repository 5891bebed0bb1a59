import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeFleet, type FakeFleet, type StartFakeFleetOptions } from '@/tests/fakes/fake-fleet';
import { FleetClient, fleetOwnerEmail, type FleetClientOptions } from './fleet-client';
import { MdmError } from './http';
import type { MdmDevice, MdmDevicePage } from './types';

const fakes: FakeFleet[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

async function fleetWith(options: StartFakeFleetOptions = {}) {
  const fake = await startFakeFleet(options);
  fakes.push(fake);
  return fake;
}

function clientFor(fake: FakeFleet, extra: Partial<FleetClientOptions> = {}) {
  const waits: number[] = [];
  const sleep = vi.fn(async (ms: number) => {
    waits.push(ms);
  });
  const client = new FleetClient({ baseUrl: fake.url, token: fake.token, sleep, random: () => 0, ...extra });
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

const hostRequests = (fake: FakeFleet) => fake.requests.filter((r) => r.path === '/api/v1/fleet/hosts');

describe('FleetClient.testConnection', () => {
  it('reports the server version and host count, sending the token as Bearer', async () => {
    const fake = await fleetWith({ hostCount: 42, version: '4.60.1' });
    const { client } = clientFor(fake);
    expect(await client.testConnection()).toEqual({ serverVersion: '4.60.1', hostCount: 42 });
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/v1/fleet/version', '/api/v1/fleet/hosts/count']);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${fake.token}`);
  });

  it('accepts a base URL pasted with the API prefix or a trailing slash', async () => {
    const fake = await fleetWith({ hostCount: 1 });
    for (const suffix of ['/', '/api/v1/fleet', '/api/v1/fleet/', '/api']) {
      const { client } = clientFor(fake, { baseUrl: fake.url + suffix });
      expect((await client.testConnection()).hostCount).toBe(1);
    }
  });

  it('rejects a bad token once, clearly, without retrying', async () => {
    const fake = await fleetWith({ hostCount: 3 });
    const { client, sleep } = clientFor(fake, { token: 'wrong' });
    const err = await catchError(client.testConnection());
    expect(err.kind).toBe('unauthorized');
    expect(err.status).toBe(401);
    expect(err.providerMessage).toBe('Authentication required');
    expect(err.message).toBe(
      '401: the API token was rejected (revoked, rotated, or its user was deleted) (Fleet said: Authentication required)',
    );
    expect(fake.requests).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('reports DNS failure for a .invalid host and refusal on a closed port', async () => {
    const dns = new FleetClient({ baseUrl: 'https://fleet.tessera-test.invalid', token: 't', sleep: async () => {} });
    const dnsErr = await catchError(dns.testConnection());
    expect(dnsErr.kind).toBe('dns');
    expect(dnsErr.message).toMatch(/^DNS lookup failed for host fleet\.tessera-test\.invalid/);

    const s = http.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    const refused = new FleetClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't', sleep: async () => {}, maxRetries: 1 });
    const connErr = await catchError(refused.testConnection());
    expect(connErr.kind).toBe('connect');
    expect(connErr.message).toMatch(/^Connection refused by 127\.0\.0\.1:\d+/);
  });

  it('refuses an unusable base URL up front', () => {
    expect(() => new FleetClient({ baseUrl: 'fleet.example.com', token: 't' })).toThrow(/not a valid URL/);
    expect(() => new FleetClient({ baseUrl: 'ftp://fleet.example.com', token: 't' })).toThrow(/https:\/\//);
  });
});

describe('FleetClient.listHosts paging', () => {
  it('pages with exactly the documented parameters and stops on a short page', async () => {
    const fake = await fleetWith({ hostCount: 1234 });
    const { client } = clientFor(fake);
    const { pages, devices } = await collect(client.listHosts({ perPage: 500 }));
    expect(pages.map((p) => [p.page, p.devices.length])).toEqual([
      [0, 500],
      [1, 500],
      [2, 234],
    ]);
    expect(new Set(devices.map((d) => d.externalId)).size).toBe(1234);
    const reqs = hostRequests(fake);
    expect(reqs).toHaveLength(3);
    reqs.forEach((r, i) => {
      expect(Object.fromEntries(r.query)).toEqual({
        page: String(i),
        per_page: '500',
        order_key: 'id',
        order_direction: 'asc',
        device_mapping: 'true',
        disable_failing_policies: 'true',
      });
    });
  });

  it('fetches one more (empty) page when the total is an exact multiple', async () => {
    const fake = await fleetWith({ hostCount: 1000 });
    const { client } = clientFor(fake);
    const { pages, devices } = await collect(client.listHosts({ perPage: 500 }));
    expect(pages.map((p) => p.page)).toEqual([0, 1]);
    expect(devices).toHaveLength(1000);
    expect(hostRequests(fake).map((r) => r.query.get('page'))).toEqual(['0', '1', '2']);
  });

  it('handles an empty Fleet with a single request', async () => {
    const fake = await fleetWith();
    const { client } = clientFor(fake);
    const { pages } = await collect(client.listHosts());
    expect(pages).toEqual([]);
    expect(hostRequests(fake)).toHaveLength(1);
    expect(hostRequests(fake)[0]!.query.get('per_page')).toBe('500');
  });

  it('pages through 100,000 generated hosts', async () => {
    const fake = await fleetWith({ hostCount: 100_000 });
    const { client } = clientFor(fake);
    let count = 0;
    let pages = 0;
    let lastId = 0;
    for await (const page of client.listHosts({ perPage: 2000 })) {
      pages++;
      count += page.devices.length;
      const first = Number(page.devices[0]!.externalId);
      expect(first).toBeGreaterThan(lastId);
      lastId = Number(page.devices.at(-1)!.externalId);
    }
    expect(count).toBe(100_000);
    expect(pages).toBe(50);
    expect(hostRequests(fake)).toHaveLength(51);
  });

  it('detects a proxy that strips the paging parameters', async () => {
    const fake = await fleetWith({ hostCount: 5 });
    const stripQuery: typeof fetch = (input, init) => {
      const u = new URL(String(input));
      u.search = '';
      return fetch(u, init);
    };
    const { client } = clientFor(fake, { fetch: stripQuery });
    const err = await catchError(collect(client.listHosts({ perPage: 2 })));
    expect(err.kind).toBe('bad_response');
    expect(err.message).toMatch(/paging parameters were ignored/);
  });

  it('reflects hosts added, renamed, reassigned, removed and re-enrolled between syncs', async () => {
    const fake = await fleetWith({ hostCount: 10 });
    const { client } = clientFor(fake);
    const before = (await collect(client.listHosts({ perPage: 4 }))).devices;
    const old7 = before.find((d) => d.externalId === '7')!;

    fake.hosts.rename(2, 'Renamed Mac');
    fake.hosts.reassign(3, 'new.owner@example.com');
    fake.hosts.remove(5);
    const reenrolled = fake.hosts.reenroll(7);
    fake.hosts.add({ hardware_serial: 'NEWSERIAL1', platform: 'windows' });

    const after = (await collect(client.listHosts({ perPage: 4 }))).devices;
    const byId = new Map(after.map((d) => [d.externalId, d]));
    expect(after).toHaveLength(10);
    expect(byId.get('2')!.name).toBe('Renamed Mac');
    expect(byId.get('3')!.ownerEmail).toBe('new.owner@example.com');
    expect(byId.has('5')).toBe(false);
    expect(byId.has('7')).toBe(false);
    const re = byId.get(String(reenrolled.id))!;
    expect(reenrolled.id).toBe(11);
    expect([re.hardwareUuid, re.serial]).toEqual([old7.hardwareUuid, old7.serial]);
    expect(byId.get('12')!.serial).toBe('NEWSERIAL1');
  });
});

describe('FleetClient.listHosts faults', () => {
  it('waits Retry-After on 429 and retries the same page', async () => {
    const fake = await fleetWith({ hostCount: 25 });
    fake.setFault({ fault: { type: 'rate_limit', retryAfter: '7' }, path: '/api/v1/fleet/hosts', nth: 2 });
    const { client, waits } = clientFor(fake);
    const { devices } = await collect(client.listHosts({ perPage: 10 }));
    expect(devices).toHaveLength(25);
    expect(waits).toEqual([7000]);
    expect(hostRequests(fake).map((r) => [r.query.get('page'), r.status])).toEqual([
      ['0', 200],
      ['1', 429],
      ['1', 200],
      ['2', 200],
    ]);
  });

  it('honours an HTTP-date Retry-After against the injected clock', async () => {
    const fake = await fleetWith({ hostCount: 3 });
    const now = Date.UTC(2025, 5, 1, 12, 0, 0);
    fake.setFault({ type: 'rate_limit', retryAfter: new Date(now + 45_000).toUTCString() });
    const { client, waits } = clientFor(fake, { now: () => now });
    await collect(client.listHosts());
    expect(waits).toEqual([45_000]);
  });

  it('retries a 503 then succeeds', async () => {
    const fake = await fleetWith({ hostCount: 12 });
    fake.setFault({ fault: { type: 'status', status: 503 }, path: '/api/v1/fleet/hosts', nth: 2 });
    const { client, waits } = clientFor(fake);
    const { devices } = await collect(client.listHosts({ perPage: 5 }));
    expect(devices).toHaveLength(12);
    expect(waits).toHaveLength(1);
  });

  it('fails the listing when 5xx persists, after bounded retries', async () => {
    const fake = await fleetWith({ hostCount: 12 });
    fake.setFault({ fault: { type: 'status', status: 502 }, path: '/api/v1/fleet/hosts', nth: 2, times: Infinity });
    const { client, waits } = clientFor(fake, { maxRetries: 3 });
    const seen: MdmDevice[] = [];
    const err = await catchError(
      (async () => {
        for await (const p of client.listHosts({ perPage: 5 })) seen.push(...p.devices);
      })(),
    );
    expect(err.kind).toBe('server');
    expect(err.status).toBe(502);
    expect(waits).toHaveLength(3);
    expect(seen).toHaveLength(5);
  });

  it('stops at a token revoked mid-sync without retrying', async () => {
    const fake = await fleetWith({ hostCount: 30 });
    const { client, sleep } = clientFor(fake);
    const seen: number[] = [];
    const err = await catchError(
      (async () => {
        for await (const p of client.listHosts({ perPage: 10 })) {
          seen.push(p.page);
          fake.revokeToken();
        }
      })(),
    );
    expect(seen).toEqual([0]);
    expect(err.kind).toBe('unauthorized');
    expect(hostRequests(fake)).toHaveLength(2);
    expect(sleep).not.toHaveBeenCalled();
  });

  it.each([
    ['malformed_json', /malformed JSON/],
    ['bad_shape', /malformed host on page 1 \(item 0, id:/],
    ['html', /HTML page/],
  ] as const)('turns a %s page into bad_response', async (type, message) => {
    const fake = await fleetWith({ hostCount: 30 });
    fake.setFault({ fault: { type }, path: '/api/v1/fleet/hosts', nth: 2 });
    const { client } = clientFor(fake);
    const err = await catchError(collect(client.listHosts({ perPage: 10 })));
    expect(err.kind).toBe('bad_response');
    expect(err.message).toMatch(message);
    expect(hostRequests(fake)).toHaveLength(2);
  });

  it('times out a slow page and retries it', async () => {
    const fake = await fleetWith({ hostCount: 4 });
    fake.setFault({ fault: { type: 'delay', ms: 1000 }, path: '/api/v1/fleet/hosts' });
    const { client, waits } = clientFor(fake, { timeoutMs: 150 });
    const { devices } = await collect(client.listHosts());
    expect(devices).toHaveLength(4);
    expect(waits).toHaveLength(1);
  });
});

describe('Fleet host normalisation', () => {
  it('maps the documented fields to MdmDevice', async () => {
    const fake = await fleetWith({
      hosts: [
        {
          uuid: '392547dc-0000-0000-a87a-d701ff75bc65',
          hardware_serial: ' C0124FXASD6G ',
          hostname: 'annas-macbook-pro.local',
          computer_name: "Anna's MacBook Pro",
          display_name: "Anna's MacBook Pro",
          platform: 'darwin',
          os_version: 'macOS 14.5',
          hardware_vendor: 'Apple Inc.',
          hardware_model: 'MacBookPro18,3',
          team_id: 2,
          team_name: 'Workstations',
          last_enrolled_at: '2023-02-26T22:33:12Z',
          seen_time: '2024-06-01T10:03:39Z',
          mdm: { enrollment_status: 'On (automatic)', name: 'Fleet', server_url: 'https://f/mdm', encryption_key_available: true },
          device_mapping: [
            { email: 'anna@gmail.com', source: 'google_chrome_profiles' },
            { email: 'anna.custom@example.com', source: 'custom_override' },
            { email: 'anna@example.com', source: 'mdm_idp_accounts' },
          ],
        },
        {
          hardware_serial: '',
          platform: 'ubuntu',
          hostname: 'vm-1',
          display_name: '',
          computer_name: 'vm-1',
          seen_time: '0001-01-01T00:00:00Z',
          last_enrolled_at: '0001-01-01T00:00:00Z',
          team_id: null,
          team_name: null,
          mdm: { enrollment_status: null, name: '', server_url: null, encryption_key_available: false },
          device_mapping: [],
        },
        { platform: 'ipados', hardware_model: 'iPad13,18', device_mapping: [{ email: 'kid@example.com', source: 'custom_installer' }] },
      ],
    });
    const { client } = clientFor(fake);
    const [mac, vm, ipad] = (await collect(client.listHosts())).devices;
    expect(mac).toMatchObject({
      provider: 'fleet',
      kind: 'computer',
      externalId: '1',
      serial: 'C0124FXASD6G',
      hardwareUuid: '392547dc-0000-0000-a87a-d701ff75bc65',
      name: "Anna's MacBook Pro",
      hostname: 'annas-macbook-pro.local',
      platform: 'macos',
      osName: 'darwin',
      osVersion: 'macOS 14.5',
      model: 'MacBookPro18,3',
      vendor: 'Apple Inc.',
      ownerEmail: 'anna@example.com',
      lastSeenAt: new Date('2024-06-01T10:03:39Z'),
      enrolledAt: new Date('2023-02-26T22:33:12Z'),
      managed: true,
      group: { id: '2', name: 'Workstations' },
    });
    expect((mac!.raw as { device_mapping: unknown[] }).device_mapping).toHaveLength(3);
    expect(vm).toMatchObject({
      serial: null,
      name: 'vm-1',
      platform: 'linux',
      ownerEmail: null,
      lastSeenAt: null,
      enrolledAt: null,
      managed: null,
      group: null,
    });
    expect((vm!.raw as { device_mapping: unknown }).device_mapping).toBeNull();
    expect(ipad).toMatchObject({ kind: 'mobile', platform: 'ipados', ownerEmail: 'kid@example.com' });
  });

  it('prefers the IdP end user, then mdm_idp_accounts, custom, chrome profiles', () => {
    expect(
      fleetOwnerEmail({
        end_users: [{ idp_username: 'idp@example.com', other_emails: [] }],
        device_mapping: [{ email: 'm@example.com', source: 'mdm_idp_accounts' }],
      }),
    ).toBe('idp@example.com');
    expect(fleetOwnerEmail({ end_users: [{ idp_username: 'not-an-email' }], device_mapping: null })).toBeNull();
    expect(
      fleetOwnerEmail({
        device_mapping: [
          { email: 'g@gmail.com', source: 'google_chrome_profiles' },
          { email: 'c@example.com', source: 'custom' },
        ],
      }),
    ).toBe('c@example.com');
    expect(fleetOwnerEmail({ device_mapping: [{ email: 'x@example.com', source: 'something_new' }] })).toBe('x@example.com');
  });

  it('reads fleet_id/fleet_name from renamed servers', async () => {
    const fake = await fleetWith({ hostCount: 1, fleetsRename: true });
    const { client } = clientFor(fake);
    const [d] = (await collect(client.listHosts())).devices;
    expect(d!.group).toEqual({ id: '2', name: 'Servers' });
  });
});

describe('FleetClient.getHost', () => {
  it('finds a host by uuid or serial and returns null once it is deleted', async () => {
    const fake = await fleetWith({ hostCount: 3 });
    const { client } = clientFor(fake);
    const host = fake.hosts.get(2)!;
    expect((await client.getHost(host.uuid))!.externalId).toBe('2');
    expect((await client.getHost(host.hardware_serial))!.serial).toBe(host.hardware_serial);
    fake.hosts.remove(2);
    expect(await client.getHost(host.uuid)).toBeNull();
  });
});
