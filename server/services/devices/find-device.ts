// Looks a device up by its UUID or by one of the URN forms the REST API accepts.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { devices, type Device } from '@/server/db/schema';
import { ServiceError } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PERMANENT_ID_URN = 'urn:smallstep:device:permanent-identifier:';
const SERIAL_URN = 'urn:smallstep:device:serial:';

export type DeviceRef =
  | { by: 'id'; id: string }
  | { by: 'permanentIdentifier'; value: string }
  | { by: 'serial'; value: string };

/** Parses a device reference; null when it is none of the accepted forms. */
export function parseDeviceRef(raw: string): DeviceRef | null {
  const ref = raw.trim();
  if (UUID.test(ref)) return { by: 'id', id: ref.toLowerCase() };
  if (ref.toLowerCase().startsWith('urn:ek:')) return { by: 'permanentIdentifier', value: ref };
  if (ref.toLowerCase().startsWith(PERMANENT_ID_URN) && ref.length > PERMANENT_ID_URN.length) {
    return { by: 'permanentIdentifier', value: ref.slice(PERMANENT_ID_URN.length) };
  }
  if (ref.toLowerCase().startsWith(SERIAL_URN) && ref.length > SERIAL_URN.length) {
    return { by: 'serial', value: ref.slice(SERIAL_URN.length) };
  }
  return null;
}

export async function findDevice(db: Db, ref: DeviceRef, opts: { forUpdate?: boolean } = {}): Promise<Device | null> {
  const where =
    ref.by === 'id'
      ? eq(devices.id, ref.id)
      : ref.by === 'permanentIdentifier'
        ? eq(devices.permanentIdentifier, ref.value)
        : eq(sql`upper(${devices.serial})`, ref.value.toUpperCase());
  const q = db.select().from(devices).where(where).limit(2);
  const rows = opts.forUpdate ? await q.for('update') : await q;
  if (rows.length > 1) {
    throw new ServiceError('CONFLICT', `More than one device has the serial ${ref.by === 'serial' ? ref.value : ''}; use the device's UUID`);
  }
  // A device whose permanent identifier is not known yet is also found by its serial through the
  // permanent-identifier URN (Apple devices use the serial as their permanent identifier).
  if (!rows.length && ref.by === 'permanentIdentifier') {
    const bySerial = await db
      .select()
      .from(devices)
      .where(sql`${devices.permanentIdentifier} is null and upper(${devices.serial}) = ${ref.value.toUpperCase()}`)
      .limit(1);
    return bySerial[0] ?? null;
  }
  return rows[0] ?? null;
}
