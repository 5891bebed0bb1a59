// The whole Fleet flow with a fake Fleet that behaves as Fleet does (mdm-apis.md §2): it checks the
// CA when the admin saves it (GetCACert + one challenge), delivers the generated profile with its
// variables substituted (fetching a fresh challenge from the webhook), and proxies the device's
// SCEP traffic to Tessera, POSTing PKIOperation as application/octet-stream. The device is the
// real micromdm scepclient, pointed at the proxy.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as plist from 'plist';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as scepRoute from '@/app/scep/[integrationId]/route';
import * as challengeRoute from '@/app/webhook/[integrationId]/challenge/route';
import { certificates, devices } from '@/server/db/schema';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { createFleetIntegration } from '@/server/services/integrations/create-fleet-integration';
import { generateProfile } from '@/server/services/integrations/generate-profile';
import { loadAuthority } from '@/server/services/pki/load-authority';
import { recordDeviceSource } from '@/server/services/devices/record-device-source';
import { setDeviceApproval } from '@/server/services/devices/set-device-approval';
import { installTestDb, type TestDb } from '../helpers/db';
import { seedTeam } from '../helpers/fixtures';
import { serveRoutes } from '../helpers/http-server';

let t: TestDb;
let tessera: { url: string; close: () => Promise<void> };
let proxy: http.Server;
let proxyUrl: string;
let fleet: Awaited<ReturnType<typeof createFleetIntegration>>;
const forwarded: { operation: string; contentType?: string }[] = [];
const HOST = { uuid: 'A1B2C3D4-1111-2222-3333-444455556666', serial: 'C02FLEETFLOW' };
let challengeRetrievedAt = 0;
const FLEET_CHALLENGE_MAX_AGE_MS = 4 * 60_000;
let clockSkewMs = 0;

const basic = () => `Basic ${Buffer.from(`${fleet.challengeUsername}:${fleet.challengePassword}`).toString('base64')}`;

async function fleetFetchChallenge(): Promise<Response> {
  const res = await fetch(`${tessera.url}/webhook/${fleet.integration.id}/challenge`, {
    method: 'POST',
    headers: { authorization: basic(), 'content-type': 'application/json' },
    body: JSON.stringify({
      webhook: { webhookEvent: 'SCEPChallenge', id: 1, eventTimestamp: Math.floor(Date.now() / 1000), name: 'SCEPChallenge' },
      event: { scepServerUrl: `${tessera.url}/scep/${fleet.integration.id}`, payloadIdentifier: crypto.randomUUID(), payloadTypes: ['com.apple.security.scep'] },
    }),
  });
  challengeRetrievedAt = Date.now();
  return res;
}

beforeAll(async () => {
  t = await installTestDb();
  const seed = await seedTeam(t.db);
  fleet = await createFleetIntegration(t.db, seed.ownerActor, { name: 'Fleet', url: 'https://fleet.example.com', apiToken: 'x', caName: 'TESSERA_AGENT' });
  tessera = await serveRoutes([
    { pattern: /^\/scep\/(?<integrationId>[^/]+)$/, methods: { GET: scepRoute.GET, POST: scepRoute.POST } },
    { pattern: /^\/webhook\/(?<integrationId>[^/]+)\/challenge$/, methods: { POST: challengeRoute.POST } },
  ]);
  // Fleet's SCEP proxy: /mdm/scep/proxy/<host uuid>,<profile uuid>,<CA name>
  proxy = http.createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://fleet');
    const op = url.searchParams.get('operation') ?? '';
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (op === 'PKIOperation' && Date.now() + clockSkewMs - challengeRetrievedAt > FLEET_CHALLENGE_MAX_AGE_MS) {
      res.writeHead(400).end('challenge password has expired');
      return;
    }
    const target = `${tessera.url}/scep/${fleet.integration.id}?${url.searchParams}`;
    const upstream =
      req.method === 'POST'
        ? await fetch(target, { method: 'POST', body: Buffer.concat(chunks), headers: { 'content-type': 'application/octet-stream' } })
        : await fetch(target);
    forwarded.push({ operation: op, contentType: req.method === 'POST' ? 'application/octet-stream' : undefined });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mdm/scep/proxy/${encodeURIComponent(`${HOST.uuid},a1b2c3,TESSERA_AGENT`)}`;
  const { device } = await recordDeviceSource(t.db, { type: 'mdm', label: 'fleet' }, {
    kind: 'fleet', source: `mdm:${fleet.integration.id}`, externalId: '7', facts: { hardwareUuid: HOST.uuid, serial: HOST.serial }, authoritative: false,
  });
  await setDeviceApproval(t.db, seed.ownerActor, { deviceIds: [device.id], decision: 'approved' });
});
afterAll(async () => {
  await new Promise((r) => proxy.close(r));
  await tessera.close();
  await t.destroy();
});

function scepclient(dir: string, challenge: string, cn: string, ou: string): Promise<{ code: number; out: string }> {
  fs.mkdirSync(dir, { recursive: true });
  return new Promise(async (resolve) => {
    const ra = certificateFingerprint((await loadAuthority(t.db)).ra.der).hex;
    execFile(
      'scepclient',
      ['-server-url', proxyUrl, '-challenge', challenge, '-cn', cn, '-ou', ou, '-private-key', path.join(dir, 'key.pem'), '-certificate', path.join(dir, 'cert.pem'), '-ca-fingerprint', ra],
      { timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? 1 : 0, out: stdout + stderr }),
    );
  });
}

describe('Fleet flow', () => {
  it('passes Fleet\'s connection test when the admin saves the CA', async () => {
    const cacert = await fetch(`${tessera.url}/scep/${fleet.integration.id}?operation=GetCACert`);
    expect(cacert.status).toBe(200);
    expect(Buffer.from(await cacert.arrayBuffer()).length).toBeGreaterThan(500);
    const challenge = await fleetFetchChallenge();
    expect(challenge.status).toBe(200);
    expect(await challenge.text()).toMatch(/^[A-Z0-9]{32}$/); // Fleet discards it
  });

  it('delivers the generated profile with a fresh challenge, and the device enrolls through the proxy', async () => {
    const profile = await generateProfile(t.db, fleet.integration.id, 'mobileconfig', 'https://tessera.example.com');
    // What Fleet does at delivery: substitute its variables, including a fresh challenge.
    const challenge = await (await fleetFetchChallenge()).text();
    const renewalId = `fleet-${crypto.randomUUID()}`;
    const delivered = profile.body
      .replaceAll('$FLEET_VAR_SMALLSTEP_SCEP_CHALLENGE_TESSERA_AGENT', challenge)
      .replaceAll('$FLEET_VAR_SMALLSTEP_SCEP_PROXY_URL_TESSERA_AGENT', proxyUrl)
      .replaceAll('$FLEET_VAR_SCEP_RENEWAL_ID', renewalId)
      .replaceAll('$FLEET_VAR_HOST_UUID', HOST.uuid)
      .replaceAll('$FLEET_VAR_HOST_HARDWARE_SERIAL', HOST.serial);
    const parsed = plist.parse(delivered) as { PayloadContent: { PayloadType: string; PayloadContent?: Record<string, unknown> }[] };
    const scep = parsed.PayloadContent.find((p) => p.PayloadType === 'com.apple.security.scep')!.PayloadContent!;
    expect(scep.URL).toBe(proxyUrl);
    expect(scep.Challenge).toBe(challenge);
    const subject = scep.Subject as [string, string][][];
    const cn = subject.flat().find(([k]) => k === 'CN')![1];
    const ou = subject.flat().find(([k]) => k === 'OU')![1];
    expect(cn).toBe(HOST.uuid);
    expect(ou).toBe(renewalId);
    // The device (scepclient) enrolls against Fleet's proxy URL with what the profile says.
    const r = await scepclient(path.join(os.tmpdir(), `fleet-flow-${Date.now()}`), challenge, cn, ou);
    expect(r.code, r.out).toBe(0);
    expect(forwarded.map((f) => f.operation)).toEqual(expect.arrayContaining(['GetCACaps', 'GetCACert', 'PKIOperation']));
    expect(forwarded.find((f) => f.operation === 'PKIOperation')?.contentType).toBe('application/octet-stream');
    const [device] = await t.db.select().from(devices).where(eq(devices.hardwareUuid, HOST.uuid));
    const issued = await t.db.select().from(certificates).where(eq(certificates.deviceId, device.id));
    expect(issued).toHaveLength(1);
    expect(issued[0].subject).toContain(`OU=${renewalId}`);
  });

  it('fails a delivery whose challenge Fleet held too long, and a replayed challenge', async () => {
    const challenge = await (await fleetFetchChallenge()).text();
    clockSkewMs = 5 * 60_000; // Fleet's own 4-minute cut-off
    const late = await scepclient(path.join(os.tmpdir(), `fleet-late-${Date.now()}`), challenge, HOST.uuid, 'fleet-x');
    expect(late.code).not.toBe(0);
    clockSkewMs = 0;
    const ok = await scepclient(path.join(os.tmpdir(), `fleet-ok-${Date.now()}`), challenge, HOST.uuid, 'fleet-x');
    expect(ok.code, ok.out).toBe(0);
    const replay = await scepclient(path.join(os.tmpdir(), `fleet-replay-${Date.now()}`), challenge, HOST.uuid, 'fleet-x');
    expect(replay.code).not.toBe(0);
  });

  it('generates well-formed Windows, Linux and GitOps files for the connection', async () => {
    const auth = await loadAuthority(t.db);
    const fp = certificateFingerprint(auth.root.der).hex;
    const win = await generateProfile(t.db, fleet.integration.id, 'windows-scep', 'https://tessera.example.com');
    expect(win.body).toContain('$FLEET_VAR_SMALLSTEP_SCEP_CHALLENGE_TESSERA_AGENT');
    expect(win.body.toUpperCase()).toContain(fp.toUpperCase());
    const root = await generateProfile(t.db, fleet.integration.id, 'windows-root', 'https://tessera.example.com');
    expect(root.body).toContain('RootCATrustedCertificates/Root/');
    const agent = YAML.parse((await generateProfile(t.db, fleet.integration.id, 'linux-agent', 'https://tessera.example.com')).body);
    expect(agent).toMatchObject({ team: 'acme', fingerprint: fp });
    const gitops = (await generateProfile(t.db, fleet.integration.id, 'gitops', 'https://tessera.example.com')).body;
    const docs = YAML.parseAllDocuments(gitops).map((d) => d.toJS());
    expect(docs[0].org_settings.certificate_authorities.smallstep[0]).toMatchObject({
      name: 'TESSERA_AGENT',
      url: `https://tessera.example.com/scep/${fleet.integration.id}`,
      challenge_url: `https://tessera.example.com/webhook/${fleet.integration.id}/challenge`,
      username: '$SMALLSTEP_CHALLENGE_USERNAME',
    });
    expect(gitops).not.toContain(fleet.challengePassword);
    await expect(generateProfile(t.db, fleet.integration.id, 'bogus', 'https://x')).rejects.toThrow(/Unknown profile/);
  });
});
