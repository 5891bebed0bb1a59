// Self-enrollment from "My devices": a signed-in person registers a device they use. The record
// enters the inventory as an `idp` source when they signed in through Entra ID and the team allows
// IdP self-enrollment, or as a `manual` one (invited or password users); it waits for approval
// unless the team's policy says otherwise, and its owner is the person. Self-enrollment never
// merges into a device that is already known: a serial number typed into a form proves nothing,
// so claiming someone else's machine (or re-adding one's own) is refused.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { teams, users, type SourceKind } from '@/server/db/schema';
import type { Actor } from '../actor';
import { ServiceError, badRequest, conflict, forbidden } from '../errors';
import type { SignInMethod } from '../users/get-session-user';
import { displayNameSchema, isMeaningfulSerial, osSchema, serialSchema } from './device-fields';
import { recordDeviceSource } from './record-device-source';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const APPLE = new Set(['macOS', 'iOS', 'tvOS', 'watchOS', 'visionOS']);

export const enrollOwnDeviceInput = z.object({
  displayName: displayNameSchema.min(1, 'Give the device a name, e.g. "Dana’s MacBook"'),
  serial: serialSchema,
  os: osSchema,
  hardwareUuid: z
    .string()
    .trim()
    .max(64)
    .optional()
    .refine((v) => !v || UUID.test(v), 'A hardware UUID looks like 4C4C4544-0042-3510-8052-B3C04F4E4E31'),
});
export type EnrollOwnDeviceInput = z.input<typeof enrollOwnDeviceInput>;

export const IDP_SELF_ENROLLMENT_OFF =
  'Your team has not turned on self-enrollment for people who sign in with Microsoft Entra ID. Ask an administrator to add your device.';

/** Which source a self-enrollment is recorded as, or why it is refused. */
export function selfEnrollmentKind(team: { idpSelfEnrollment: boolean }, signInMethod: SignInMethod | undefined): { kind: SourceKind } | { refused: string } {
  if (signInMethod === 'entra') return team.idpSelfEnrollment ? { kind: 'idp' } : { refused: IDP_SELF_ENROLLMENT_OFF };
  return { kind: 'manual' };
}

export async function enrollOwnDevice(db: Db, actor: Actor, signInMethod: SignInMethod | undefined, raw: EnrollOwnDeviceInput) {
  if (actor.type !== 'user' || !actor.id) throw forbidden('Only a signed-in person can enroll their own device');
  const input = enrollOwnDeviceInput.parse(raw);
  if (!isMeaningfulSerial(input.serial)) throw badRequest('Enter the serial number printed on the device or shown in its system information', 'serial');
  const [team] = await db.select().from(teams).limit(1);
  if (!team) throw new ServiceError('PRECONDITION_FAILED', 'Tessera is not set up yet');
  const [me] = await db.select().from(users).where(eq(users.id, actor.id)).limit(1);
  if (!me || !me.active) throw forbidden('Your account is not active');
  const decision = selfEnrollmentKind(team, signInMethod);
  if ('refused' in decision) throw forbidden(decision.refused);

  const serial = input.serial.trim();
  const { device } = await recordDeviceSource(db, actor, {
    kind: decision.kind,
    source: decision.kind === 'idp' ? 'idp' : 'self-enrollment',
    externalId: serial.toUpperCase(),
    facts: {
      displayName: input.displayName,
      serial,
      os: input.os,
      // Apple devices are identified by their serial; TPM devices get their EK URI when the agent attests.
      permanentIdentifier: APPLE.has(input.os) ? serial : undefined,
      hardwareUuid: input.hardwareUuid?.toUpperCase() || undefined,
      ownerEmail: me.email,
    },
    authoritative: false,
    mustBeNew: true,
    onMatch: (existing) => {
      if (existing.ownerUserId === me.id) throw conflict('This device is already in your devices', 'serial');
      throw conflict('A device with this serial number or hardware UUID is already in your team’s inventory. Ask an administrator to assign it to you.', 'serial');
    },
  });
  return {
    id: device.id,
    displayName: device.displayName,
    serial: device.serial,
    os: device.os,
    approvalStatus: device.approvalStatus,
    assurance: device.assurance,
    source: decision.kind,
  };
}
