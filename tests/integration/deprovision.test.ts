// Deprovisioning through SCIM (issue 7): active:false or DELETE ends the user's sessions and flags
// their devices; under the team's 'revoke' policy it also revokes their devices' certificates
// (affiliationChanged, CRL regenerated once) and quarantines the devices. Reactivation restores
// sign-in and clears the flag, but never the certificates.
import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, authorities, certificates, devices, users } from '@/server/db/schema';
import { createDevice } from '@/server/services/devices/create-device';
import { ensureAuthority } from '@/server/services/pki/load-authority';
import { createScimToken } from '@/server/services/scim/create-scim-token';
import { updateTeamSettings } from '@/server/services/team/update-team-settings';
import { deprovisionUser } from '@/server/services/users/deprovision-user';
import { getSessionUser } from '@/server/services/users/get-session-user';
import { openssl } from '@/lib/scep/testdata/tools';
import { installTestDb, type TestDb } from '../helpers/db';
import { seedTeam } from '../helpers/fixtures';
import { scimClient } from '../helpers/scim';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
let scim: ReturnType<typeof scimClient>;
let authorityId: string;

beforeAll(async () => {
  t = await installTestDb();
  seed = await seedTeam(t.db);
  scim = scimClient((await createScimToken(t.db, seed.ownerActor, { name: 'Entra' })).token);
  authorityId = (await ensureAuthority(t.db)).id;
});
afterAll(() => t.destroy());

const setPolicy = (deprovisionAction: 'review' | 'revoke') => updateTeamSettings(t.db, seed.ownerActor, { deprovisionAction });
const active = (value: string) => ({ schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value }] });

// A provisioned user with two devices (recorded before the user existed, as an MDM sync would),
// each holding certificates: one valid, one expired, one already revoked.
async function userWithDevices() {
  const email = `dana.${randomUUID().slice(0, 8)}@contoso.com`;
  const deviceIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const { device } = await createDevice(t.db, seed.ownerActor, { permanentIdentifier: `C02${randomBytes(4).toString('hex').toUpperCase()}`, ownerEmail: email }, 'api');
    deviceIds.push(device.id);
  }
  const created = await scim('POST', 'Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: email,
    externalId: randomUUID(),
    active: true,
    emails: [{ value: email, type: 'work', primary: true }],
  });
  expect(created.status).toBe(201);
  const now = Date.now();
  const cert = (deviceId: string, notAfter: number, revokedAt: Date | null = null) => ({
    serialHex: randomBytes(16).toString('hex'),
    authorityId,
    deviceId,
    subject: `CN=${deviceId}`,
    issuedVia: 'scep' as const,
    notBefore: new Date(now - 86_400_000 * 30),
    notAfter: new Date(notAfter),
    certPem: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----',
    publicKeySha256: randomBytes(32).toString('hex'),
    revokedAt,
    revocationReason: revokedAt ? 4 : null,
  });
  const certRows = await t.db
    .insert(certificates)
    .values([
      cert(deviceIds[0], now + 86_400_000 * 300),
      cert(deviceIds[1], now + 86_400_000 * 300),
      cert(deviceIds[0], now - 86_400_000),
      cert(deviceIds[1], now + 86_400_000 * 300, new Date(now - 3_600_000)),
    ])
    .returning();
  const [row] = await t.db.select().from(users).where(eq(users.id, created.body.id));
  return { user: row, deviceIds, valid: certRows.slice(0, 2), expired: certRows[2], revokedBefore: certRows[3] };
}

const deviceRows = (ids: string[]) => t.db.select().from(devices).where(inArray(devices.id, ids));
const certRows = (ids: string[]) => t.db.select().from(certificates).where(inArray(certificates.id, ids));
const crl = async () => (await t.db.select().from(authorities).where(eq(authorities.id, authorityId)))[0];

describe('deprovisioning under the default "review" policy', () => {
  beforeEach(() => setPolicy('review'));

  it('links devices recorded under the email when the user is provisioned', async () => {
    const { user, deviceIds } = await userWithDevices();
    expect((await deviceRows(deviceIds)).map((d) => d.ownerUserId)).toEqual([user.id, user.id]);
  });

  it('active "False" ends sessions at once and flags devices, leaving certificates valid', async () => {
    const { user, deviceIds, valid } = await userWithDevices();
    expect(await getSessionUser(t.db, user.id, user.sessionVersion)).not.toBeNull();
    const before = await crl();
    expect((await scim('PATCH', `Users/${user.id}`, active('False'))).status).toBe(200);

    expect(await getSessionUser(t.db, user.id, user.sessionVersion)).toBeNull();
    const [after] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(after).toMatchObject({ active: false, sessionVersion: user.sessionVersion + 1 });
    for (const d of await deviceRows(deviceIds)) {
      expect(d.ownerDeprovisionedAt).toBeInstanceOf(Date);
      expect(d.lifecycleStatus).toBe('active');
    }
    expect((await certRows(valid.map((c) => c.id))).every((c) => c.revokedAt === null)).toBe(true);
    expect((await crl()).crlNumber).toBe(before.crlNumber);
    const [audit] = await t.db.select().from(auditLog).where(and(eq(auditLog.targetId, user.id), eq(auditLog.action, 'user.deactivate')));
    expect(audit).toMatchObject({ actorType: 'scim', details: { deprovision: { action: 'review', devicesFlagged: 2, certificatesRevoked: 0, devicesQuarantined: 0 } } });
    expect(await t.db.select().from(auditLog).where(and(eq(auditLog.action, 'device.owner_deprovisioned'), inArray(auditLog.targetId, deviceIds)))).toHaveLength(2);
  });

  it('reactivation restores sign-in with a new session and clears the flag', async () => {
    const { user, deviceIds } = await userWithDevices();
    await scim('PATCH', `Users/${user.id}`, active('False'));
    expect((await scim('PATCH', `Users/${user.id}`, active('True'))).body.active).toBe(true);
    const [after] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(await getSessionUser(t.db, user.id, user.sessionVersion)).toBeNull();
    expect(await getSessionUser(t.db, user.id, after.sessionVersion)).not.toBeNull();
    expect((await deviceRows(deviceIds)).every((d) => d.ownerDeprovisionedAt === null)).toBe(true);
  });
});

describe('deprovisioning under the "revoke" policy', () => {
  beforeEach(() => setPolicy('revoke'));

  it('revokes every valid certificate (affiliationChanged), quarantines the devices and regenerates the CRL once', async () => {
    const { user, deviceIds, valid, expired, revokedBefore } = await userWithDevices();
    const before = await crl();
    expect((await scim('PATCH', `Users/${user.id}`, active('False'))).status).toBe(200);

    for (const c of await certRows(valid.map((c) => c.id))) {
      expect(c.revokedAt).toBeInstanceOf(Date);
      expect(c.revocationReason).toBe(3);
    }
    expect((await certRows([expired.id]))[0].revokedAt).toBeNull();
    expect((await certRows([revokedBefore.id]))[0]).toMatchObject({ revocationReason: 4, revokedAt: revokedBefore.revokedAt });
    for (const d of await deviceRows(deviceIds)) {
      expect(d.lifecycleStatus).toBe('quarantined');
      expect(d.ownerDeprovisionedAt).toBeInstanceOf(Date);
    }
    const after = await crl();
    expect(after.crlNumber).toBe(before.crlNumber + 1);
    const text = openssl(['crl', '-noout', '-text'], { input: after.crlPem! }).stdout.replace(/[\s:]/g, '').toLowerCase();
    // openssl prints whole bytes: only a 00 sign byte would be dropped, never a leading 0 nibble.
    for (const c of valid) expect(text).toContain(`serialnumber${c.serialHex.replace(/^(00)+/, '')}`);
    expect(text).toContain('affiliationchanged');

    const revokeAudits = await t.db.select().from(auditLog).where(and(eq(auditLog.action, 'certificate.revoke'), inArray(auditLog.targetId, valid.map((c) => c.serialHex))));
    expect(revokeAudits).toHaveLength(2);
    expect(revokeAudits[0]).toMatchObject({ actorType: 'scim', details: { reason: 'affiliationChanged' } });
    expect(await t.db.select().from(auditLog).where(and(eq(auditLog.action, 'device.lifecycle'), inArray(auditLog.targetId, deviceIds)))).toHaveLength(2);

    // Reactivation restores sign-in but not certificates, and leaves quarantine to an admin.
    await scim('PATCH', `Users/${user.id}`, active('True'));
    expect((await certRows(valid.map((c) => c.id))).every((c) => c.revokedAt !== null)).toBe(true);
    expect((await deviceRows(deviceIds)).map((d) => [d.lifecycleStatus, d.ownerDeprovisionedAt])).toEqual([
      ['quarantined', null],
      ['quarantined', null],
    ]);
  });

  it('DELETE deprovisions the same way and keeps the row, devices and history', async () => {
    const { user, deviceIds, valid } = await userWithDevices();
    expect((await scim('DELETE', `Users/${user.id}`)).status).toBe(204);
    const [after] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(after).toMatchObject({ active: false, sessionVersion: user.sessionVersion + 1 });
    expect(after.deletedAt).toBeInstanceOf(Date);
    expect(await getSessionUser(t.db, user.id, after.sessionVersion)).toBeNull();
    expect((await certRows(valid.map((c) => c.id))).every((c) => c.revocationReason === 3)).toBe(true);
    expect((await deviceRows(deviceIds)).every((d) => d.lifecycleStatus === 'quarantined' && d.ownerUserId === user.id)).toBe(true);
    expect((await t.db.select().from(auditLog).where(eq(auditLog.targetId, user.id))).map((a) => a.action)).toEqual(
      expect.arrayContaining(['scim.user.create', 'scim.user.delete', 'user.delete']),
    );
  });

  it('a DELETE after active:false changes nothing more and publishes no second CRL', async () => {
    const { user } = await userWithDevices();
    await scim('PATCH', `Users/${user.id}`, active('False'));
    const before = await crl();
    expect((await scim('DELETE', `Users/${user.id}`)).status).toBe(204);
    expect((await crl()).crlNumber).toBe(before.crlNumber);
  });

  it('is also a service the console and CLI can call', async () => {
    const { user, valid } = await userWithDevices();
    const outcome = await deprovisionUser(t.db, seed.ownerActor, { userId: user.id, trigger: 'deactivated' });
    expect(outcome).toMatchObject({ action: 'revoke', devicesFlagged: 2, devicesQuarantined: 2, certificatesRevoked: 2, crlAuthorityIds: [authorityId] });
    expect((await certRows(valid.map((c) => c.id))).every((c) => c.revokedAt !== null)).toBe(true);
  });
});

describe('the team setting', () => {
  it('defaults to review and is changed through the audited team settings service', async () => {
    await setPolicy('review');
    await setPolicy('revoke');
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'team.settings.update')).orderBy(auditLog.id).limit(1);
    expect(audit.details).toMatchObject({ changes: { deprovisionAction: { to: expect.any(String) } } });
    await expect(updateTeamSettings(t.db, seed.ownerActor, { deprovisionAction: 'delete' as never })).rejects.toThrow();
  });
});

describe('deactivation from the console', () => {
  it('is the same deprovisioning: sessions end and owned devices are flagged; reactivation unflags', async () => {
    const { createTestDb } = await import('../helpers/db');
    const { seedTeam } = await import('../helpers/fixtures');
    const { setUserActive } = await import('@/server/services/users/set-user-active');
    const { recordDeviceSource } = await import('@/server/services/devices/record-device-source');
    const { getSessionUser } = await import('@/server/services/users/get-session-user');
    const { devices: devicesTable } = await import('@/server/db/schema');
    const { eq: equals } = await import('drizzle-orm');
    const fresh = await createTestDb();
    try {
      const s = await seedTeam(fresh.db);
      const { device } = await recordDeviceSource(fresh.db, s.ownerActor, {
        kind: 'api', source: 'api', externalId: 'CONSOLE0001', facts: { serial: 'CONSOLE0001', ownerEmail: 'user@acme.test' }, authoritative: true,
      });
      expect(device.ownerUserId).toBe(s.user.id);
      await setUserActive(fresh.db, s.ownerActor, { userId: s.user.id, active: false });
      expect(await getSessionUser(fresh.db, s.user.id, 1)).toBeNull();
      const [flagged] = await fresh.db.select().from(devicesTable).where(equals(devicesTable.id, device.id));
      expect(flagged.ownerDeprovisionedAt).not.toBeNull();
      await setUserActive(fresh.db, s.ownerActor, { userId: s.user.id, active: true });
      const [back] = await fresh.db.select().from(devicesTable).where(equals(devicesTable.id, device.id));
      expect(back.ownerDeprovisionedAt).toBeNull();
    } finally {
      await fresh.destroy();
    }
  });
});
