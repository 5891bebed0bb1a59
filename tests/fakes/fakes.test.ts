// The fakes themselves: routes, auth, paging edge cases and error shapes as mdm-apis.md §6 lists.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeFleet, type FakeFleet } from './fake-fleet';
import { startFakeJamf, type FakeJamf } from './fake-jamf';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const f of open.splice(0)) await f.close();
});

async function fleet(opts: Parameters<typeof startFakeFleet>[0] = {}): Promise<FakeFleet> {
  const f = await startFakeFleet(opts);
  open.push(f);
  return f;
}

async function jamf(opts: Parameters<typeof startFakeJamf>[0] = {}): Promise<FakeJamf> {
  const f = await startFakeJamf(opts);
  open.push(f);
  return f;
}

async function get(url: string, token?: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : null };
}

describe('fake Fleet', () => {
  it('answers 401 in Fleet’s error shape for a missing or wrong token', async () => {
    const f = await fleet();
    const none = await get(`${f.url}/api/v1/fleet/hosts`);
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ message: 'Authorization header required', errors: [{ name: 'base' }] });
    const wrong = await get(`${f.url}/api/v1/fleet/hosts`, 'nope');
    expect(wrong.json.message).toBe('Authentication required');
  });

  it('returns every host when page and per_page are omitted, pretty-printed and streamed', async () => {
    const f = await fleet({ hostCount: 1500 });
    const all = await get(`${f.url}/api/v1/fleet/hosts`, f.token);
    expect(all.json.hosts).toHaveLength(1500);
    expect(Object.keys(all.json)).toEqual(['hosts']);
    expect(all.text.startsWith('{\n  "hosts": [\n    {\n      "id": 1,')).toBe(true);
    expect((await get(`${f.url}/api/v1/fleet/hosts?page=0`, f.token)).json.hosts).toHaveLength(20);
    expect((await get(`${f.url}/api/latest/fleet/hosts?per_page=7`, f.token)).json.hosts).toHaveLength(7);
  });

  it('includes device_mapping only when asked, null when a host has no emails', async () => {
    const f = await fleet({ hostCount: 10 });
    const plain = (await get(`${f.url}/api/v1/fleet/hosts?page=0&per_page=10`, f.token)).json.hosts;
    expect('device_mapping' in plain[0]).toBe(false);
    const mapped = (await get(`${f.url}/api/v1/fleet/hosts?page=0&per_page=10&device_mapping=true`, f.token)).json.hosts;
    expect(mapped[9].device_mapping).toBeNull(); // id 10
    expect(mapped[2].device_mapping).toEqual([{ email: 'user3@example.com', source: 'custom' }]); // custom_installer shown as custom
  });

  it('rejects bad paging parameters with Fleet’s messages', async () => {
    const f = await fleet({ hostCount: 1 });
    const reason = async (q: string) => (await get(`${f.url}/api/v1/fleet/hosts?${q}`, f.token)).json.errors[0].reason;
    expect(await reason('page=x')).toBe('non-int page value');
    expect(await reason('page=-1')).toBe('negative page value');
    expect(await reason('per_page=0')).toBe('invalid per_page value');
    expect(await reason('order_direction=asc')).toBe('order_key must be specified with order_direction');
    expect(await reason('order_key=id&order_direction=up')).toBe('unknown order_direction: up');
    expect(await reason('team_id=1&fleet_id=1')).toMatch(/both team_id and fleet_id/);
  });

  it('filters by team, counts, and orders by other keys', async () => {
    const f = await fleet({ hostCount: 40 });
    const team2 = (await get(`${f.url}/api/v1/fleet/hosts?team_id=2`, f.token)).json.hosts;
    expect(team2.length).toBe(10);
    expect(team2.every((h: { team_id: number }) => h.team_id === 2)).toBe(true);
    expect((await get(`${f.url}/api/v1/fleet/hosts/count?team_id=0`, f.token)).json).toEqual({ count: 10 });
    const desc = (await get(`${f.url}/api/v1/fleet/hosts?page=0&per_page=3&order_key=id&order_direction=desc`, f.token)).json.hosts;
    expect(desc.map((h: { id: number }) => h.id)).toEqual([40, 39, 38]);
  });

  it('serves single hosts, identifiers and device mapping; deletion makes them 404', async () => {
    const f = await fleet({ hostCount: 3 });
    f.hosts.update(2, {
      end_users: [
        { idp_id: '00u1', idp_username: 'anna@example.com', idp_full_name: 'Anna', idp_groups: ['Eng'], idp_info_updated_at: null, other_emails: [] },
      ],
    });
    const one = (await get(`${f.url}/api/v1/fleet/hosts/2`, f.token)).json.host;
    expect(one.end_users[0].idp_username).toBe('anna@example.com');
    expect(one.mdm.profiles).toEqual([]);
    const serial = f.hosts.get(2)!.hardware_serial;
    expect((await get(`${f.url}/api/v1/fleet/hosts/identifier/${serial}`, f.token)).json.host.id).toBe(2);
    expect((await get(`${f.url}/api/v1/fleet/hosts/2/device_mapping`, f.token)).json.host_id).toBe(2);
    expect((await get(`${f.url}/api/v1/fleet/hosts/2`, f.token, { method: 'DELETE' })).status).toBe(200);
    const gone = await get(`${f.url}/api/v1/fleet/hosts/2`, f.token);
    expect(gone.status).toBe(404);
    expect(gone.json.message).toBe('Resource Not Found');
  });

  it('lists teams under both route names, and 402 on the Free tier', async () => {
    const f = await fleet({ hostCount: 8 });
    expect((await get(`${f.url}/api/v1/fleet/teams`, f.token)).json.teams[0]).toMatchObject({ id: 1, name: 'Workstations', host_count: 2 });
    expect((await get(`${f.url}/api/v1/fleet/fleets`, f.token)).status).toBe(200);
    const free = await fleet({ freeTier: true });
    expect((await get(`${free.url}/api/v1/fleet/teams`, free.token)).status).toBe(402);
  });

  it('applies faults from the nth matching request for the given number of times', async () => {
    const f = await fleet({ hostCount: 1 });
    f.setFault({ fault: { type: 'status', status: 503 }, path: '/api/v1/fleet/version', nth: 2, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(`${f.url}/api/v1/fleet/version`, f.token)).status);
    expect(statuses).toEqual([200, 503, 503, 200]);
    f.setFault({ type: 'rate_limit' });
    const limited = await get(`${f.url}/api/v1/fleet/version`, f.token);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
    expect(limited.json.message).toBe('limit exceeded, retry after: 2s');
    expect(f.requests.at(-1)).toMatchObject({ fault: 'rate_limit', status: 429 });
  });
});

describe('fake Jamf Pro', () => {
  async function token(f: FakeJamf) {
    const res = await fetch(`${f.url}/api/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: f.clientId, client_secret: f.clientSecret }),
    });
    return (await res.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
  }

  it('issues OAuth tokens and answers 401 in Jamf’s shape once they expire', async () => {
    let now = Date.UTC(2025, 0, 1);
    const f = await jamf({ computerCount: 1, tokenLifetimeSec: 5, now: () => now });
    const t = await token(f);
    expect(t).toMatchObject({ token_type: 'Bearer', expires_in: 5, scope: 'api-role:1' });
    expect((await get(`${f.url}/api/v1/computers-inventory`, t.access_token)).status).toBe(200);
    now += 5000;
    const expired = await get(`${f.url}/api/v1/computers-inventory`, t.access_token);
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({
      httpStatus: 401,
      errors: [{ code: 'INVALID_TOKEN', description: 'Unauthorized', id: '0', field: null }],
    });
  });

  it('populates only the requested sections, others null, with string ids', async () => {
    const f = await jamf({ computerCount: 3 });
    const { access_token } = await token(f);
    const page = (await get(`${f.url}/api/v1/computers-inventory?section=HARDWARE&page-size=2&sort=id:asc`, access_token)).json;
    expect(page.totalCount).toBe(3);
    expect(page.results).toHaveLength(2);
    expect(page.results[0].id).toBe('1');
    expect(page.results[0].hardware.serialNumber).toMatch(/^C02/);
    expect(page.results[0].general).toBeNull();
    expect(page.results[0].userAndLocation).toBeNull();
    const bad = await get(`${f.url}/api/v1/computers-inventory?section=NOPE`, access_token);
    expect(bad.status).toBe(400);
  });

  it('supports RSQL equality filters and rejects unknown fields', async () => {
    const f = await jamf({ computerCount: 20 });
    const { access_token } = await token(f);
    const serial = f.computers.get('7')!.hardware.serialNumber;
    const hit = (await get(`${f.url}/api/v1/computers-inventory?filter=${encodeURIComponent(`hardware.serialNumber=="${serial}"`)}`, access_token)).json;
    expect(hit.totalCount).toBe(1);
    expect(hit.results[0].id).toBe('7');
    const unknown = await get(`${f.url}/api/v1/computers-inventory?filter=${encodeURIComponent('general.color==red')}`, access_token);
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors[0].code).toBe('INVALID_FIELD');
  });

  it('sorts by general.name by default', async () => {
    const f = await jamf({ computerCount: 3 });
    f.computers.rename('3', 'Aardvark');
    const { access_token } = await token(f);
    const page = (await get(`${f.url}/api/v1/computers-inventory`, access_token)).json;
    expect(page.results.map((c: { id: string }) => c.id)).toEqual(['3', '1', '2']);
  });

  it('deletes a computer (204) after which it is 404', async () => {
    const f = await jamf({ computerCount: 2 });
    const { access_token } = await token(f);
    expect((await get(`${f.url}/api/v1/computers-inventory/2`, access_token, { method: 'DELETE' })).status).toBe(204);
    expect((await get(`${f.url}/api/v1/computers-inventory/2`, access_token)).status).toBe(404);
    expect((await get(`${f.url}/api/v1/computers-inventory-detail/1`, access_token)).json.operatingSystem.name).toBe('macOS');
  });

  it('serves the compact and detailed mobile device lists', async () => {
    const f = await jamf({ mobileDeviceCount: 3 });
    const { access_token } = await token(f);
    const compact = (await get(`${f.url}/api/v2/mobile-devices?page=0&page-size=100&sort=id:asc`, access_token)).json;
    expect(compact.results[0]).toMatchObject({ id: '1', type: 'ios', model: 'iPhone 15' });
    const detail = (await get(`${f.url}/api/v2/mobile-devices/detail?section=USER_AND_LOCATION`, access_token)).json;
    expect(detail.results[0]).toMatchObject({ mobileDeviceId: '1', deviceType: 'iOS', general: null });
    expect(detail.results[0].userAndLocation.emailAddress).toBe('user1@example.com');
  });

  it('issues and invalidates legacy user tokens', async () => {
    const f = await jamf();
    const basic = Buffer.from(`${f.username}:${f.password}`).toString('base64');
    const issued = await get(`${f.url}/api/v1/auth/token`, undefined, { method: 'POST', headers: { authorization: `Basic ${basic}` } });
    expect(issued.json.token).toBeTruthy();
    expect(Date.parse(issued.json.expires)).toBeGreaterThan(Date.now());
    expect((await get(`${f.url}/api/v1/auth/invalidate-token`, issued.json.token, { method: 'POST' })).status).toBe(204);
    expect((await get(`${f.url}/api/v1/jamf-pro-version`, issued.json.token)).status).toBe(401);
  });
});
