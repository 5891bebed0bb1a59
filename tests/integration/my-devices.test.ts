// "My devices": self-enrollment (manual for invited/password users, idp for SSO users when the team
// allows it), approval per team policy, ownership, and that people see only their own devices.
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '@/server/api/root';
import { createCallerFactory } from '@/server/api/trpc';
import { auditLog, deviceSources, devices, teams, users } from '@/server/db/schema';
import { createDevice } from '@/server/services/devices/create-device';
import { IDP_SELF_ENROLLMENT_OFF } from '@/server/services/devices/enroll-own-device';
import { setDeviceApproval } from '@/server/services/devices/set-device-approval';
import { acceptInvitation } from '@/server/services/invitations/accept-invitation';
import { createInvitation } from '@/server/services/invitations/create-invitation';
import type { SessionUser } from '@/server/services/users/get-session-user';
import { createTestDb, type TestDb } from '../helpers/db';
import { actorOf, seedTeam } from '../helpers/fixtures';

let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
let invitee: SessionUser;
let ssoUser: SessionUser;

beforeAll(async () => {
  t = await createTestDb();
  seed = await seedTeam(t.db);
  const inv = await createInvitation(t.db, actorOf(seed.admin), { email: 'ivy@example.test', name: 'Ivy' });
  const u = await acceptInvitation(t.db, { token: inv.token, password: 'ivy-password-123' });
  invitee = { id: u.id, email: u.email, name: u.name, role: 'user', signInMethod: 'password' };
  const [s] = await t.db.insert(users).values({ email: 'sam.sso@acme.test', source: 'scim', userName: 'sam.sso@acme.test', externalId: 'sam-oid' }).returning();
  ssoUser = { id: s.id, email: s.email, name: null, role: 'user', signInMethod: 'entra' };
});
afterAll(() => t.destroy());

const as = (user: SessionUser | null) => createCallerFactory(appRouter)({ db: t.db, user, ip: '192.0.2.1' });
const codeOf = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof TRPCError ? e.code : String(e)));

describe('manual self-enrollment (invited or password users)', () => {
  it('creates a pending, low-assurance device owned by the user, recorded as a manual self-enrollment', async () => {
    const res = await as(invitee).myDevices.enroll({ displayName: 'Ivy’s MacBook', serial: 'C02IVY0001', os: 'macOS', hardwareUuid: '4c4c4544-0042-3510-8052-b3c04f4e4e31' });
    expect(res).toMatchObject({ approvalStatus: 'pending', assurance: 'low', source: 'manual', serial: 'C02IVY0001' });
    const [d] = await t.db.select().from(devices).where(eq(devices.id, res.id));
    expect(d).toMatchObject({
      ownerUserId: invitee.id,
      ownerEmail: 'ivy@example.test',
      // Apple devices are identified by their serial number.
      permanentIdentifier: 'C02IVY0001',
      hardwareUuid: '4C4C4544-0042-3510-8052-B3C04F4E4E31',
      sourceKinds: ['manual'],
      maskedFields: [],
    });
    const [src] = await t.db.select().from(deviceSources).where(eq(deviceSources.deviceId, d.id));
    expect(src).toMatchObject({ kind: 'manual', source: 'self-enrollment', externalId: 'C02IVY0001' });
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.targetId, d.id));
    expect(audit).toMatchObject({ action: 'device.create', actorLabel: 'ivy@example.test', ip: '192.0.2.1', details: { source: 'self-enrollment' } });
  });

  it('leaves the permanent identifier of a TPM device to the agent', async () => {
    const res = await as(invitee).myDevices.enroll({ displayName: 'Ivy’s ThinkPad', serial: 'PF3IVY02', os: 'Windows' });
    const [d] = await t.db.select().from(devices).where(eq(devices.id, res.id));
    expect(d.permanentIdentifier).toBeNull();
    expect(d.serial).toBe('PF3IVY02');
  });

  it('refuses a device already in the inventory: one’s own, or someone else’s (no hijacking by serial)', async () => {
    const again = await as(invitee).myDevices.enroll({ displayName: 'again', serial: 'c02ivy0001', os: 'macOS' }).catch((e: TRPCError) => e);
    expect(again).toMatchObject({ code: 'CONFLICT', message: 'This device is already in your devices' });
    await createDevice(t.db, seed.ownerActor, { permanentIdentifier: 'C02CORP0001', ownerEmail: 'admin@acme.test' }, 'api');
    const other = await as(invitee).myDevices.enroll({ displayName: 'mine!', serial: 'C02CORP0001', os: 'macOS' }).catch((e: TRPCError) => e);
    expect(other).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already in your team’s inventory/) });
    const byUuid = await as(invitee).myDevices.enroll({ displayName: 'x', serial: 'NEWSERIAL99', os: 'Linux', hardwareUuid: '4C4C4544-0042-3510-8052-B3C04F4E4E31' }).catch((e: TRPCError) => e);
    expect(byUuid).toMatchObject({ code: 'CONFLICT' });
    const [corp] = await t.db.select().from(devices).where(eq(devices.permanentIdentifier, 'C02CORP0001'));
    expect(corp.ownerEmail).toBe('admin@acme.test');
  });

  it('answers bad input with field errors', async () => {
    expect(await codeOf(as(invitee).myDevices.enroll({ displayName: '', serial: 'ABCD1234', os: 'macOS' }))).toBe('BAD_REQUEST');
    expect(await codeOf(as(invitee).myDevices.enroll({ displayName: 'x', serial: 'To be filled by O.E.M.', os: 'Linux' }))).toBe('BAD_REQUEST');
    expect(await codeOf(as(invitee).myDevices.enroll({ displayName: 'x', serial: 'ABCD1234', os: 'BeOS' as never }))).toBe('BAD_REQUEST');
    expect(await codeOf(as(invitee).myDevices.enroll({ displayName: 'x', serial: 'ABCD1234', os: 'Linux', hardwareUuid: 'nope' }))).toBe('BAD_REQUEST');
    expect(await codeOf(as(null).myDevices.enroll({ displayName: 'x', serial: 'ABCD1234', os: 'Linux' }))).toBe('UNAUTHORIZED');
  });

  it('follows the team policy: approved at once when self-enrolled devices need no approval', async () => {
    await t.db.update(teams).set({ requireApprovalSelfEnrolled: false });
    try {
      expect(await as(invitee).myDevices.enroll({ displayName: 'Ivy’s iPad', serial: 'DMPIVY0003', os: 'iOS' })).toMatchObject({ approvalStatus: 'approved' });
    } finally {
      await t.db.update(teams).set({ requireApprovalSelfEnrolled: true });
    }
  });
});

describe('IdP self-enrollment (SSO users)', () => {
  it('is refused while the team has it turned off (the default)', async () => {
    expect((await as(ssoUser).myDevices.info())).toMatchObject({ canEnroll: false, refusedReason: IDP_SELF_ENROLLMENT_OFF, signInMethod: 'entra' });
    const err = await as(ssoUser).myDevices.enroll({ displayName: 'Sam’s Mac', serial: 'C02SAM0001', os: 'macOS' }).catch((e: TRPCError) => e);
    expect(err).toMatchObject({ code: 'FORBIDDEN', message: IDP_SELF_ENROLLMENT_OFF });
  });

  it('records an idp source, pending approval, once the team allows it', async () => {
    await t.db.update(teams).set({ idpSelfEnrollment: true });
    expect(await as(ssoUser).myDevices.info()).toMatchObject({ canEnroll: true, source: 'idp', requiresApproval: true });
    const res = await as(ssoUser).myDevices.enroll({ displayName: 'Sam’s Mac', serial: 'C02SAM0001', os: 'macOS' });
    expect(res).toMatchObject({ source: 'idp', approvalStatus: 'pending' });
    const [d] = await t.db.select().from(devices).where(eq(devices.id, res.id));
    expect(d).toMatchObject({ sourceKinds: ['idp'], ownerUserId: ssoUser.id });
    // The same person signed in with a password would enroll manually.
    expect(await as({ ...ssoUser, signInMethod: 'password' }).myDevices.info()).toMatchObject({ source: 'manual' });
  });

  it('tells the agent which server, team and root fingerprint to trust', async () => {
    const info = await as(ssoUser).myDevices.info();
    expect(info?.agent).toMatchObject({ teamSlug: 'acme', rootFingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});

describe('each person sees only their own devices', () => {
  it('lists the caller’s devices and nothing else, whatever their role', async () => {
    const ivy = await as(invitee).myDevices.list();
    expect(ivy.map((d) => d.label).sort()).toEqual(['Ivy’s MacBook', 'Ivy’s ThinkPad', 'Ivy’s iPad']);
    const sam = await as(ssoUser).myDevices.list();
    expect(sam.map((d) => d.label)).toEqual(['Sam’s Mac']);
    const admin = await as(seed.admin).myDevices.list();
    expect(admin.map((d) => d.label)).toEqual(['C02CORP0001']);
    expect(await as(seed.owner).myDevices.list()).toEqual([]);
    // The console's device procedures stay closed to plain users.
    expect(await codeOf(as(invitee).devices.list({}))).toBe('FORBIDDEN');
    expect(await codeOf(as(invitee).devices.get({ id: sam[0].id }))).toBe('FORBIDDEN');
  });

  it('shows the approval an admin gives', async () => {
    const [mac] = await as(invitee).myDevices.list().then((l) => l.filter((d) => d.label === 'Ivy’s MacBook'));
    expect(mac.approvalStatus).toBe('pending');
    await setDeviceApproval(t.db, actorOf(seed.admin), { deviceIds: [mac.id], decision: 'approved' });
    const after = (await as(invitee).myDevices.list()).find((d) => d.id === mac.id)!;
    expect(after).toMatchObject({ approvalStatus: 'approved', assurance: 'low' });
  });
});
