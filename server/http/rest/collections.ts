// "Save Collection Instance", the older Smallstep call the enrollment guide describes for adding
// devices: PUT /collections/default/instances/<serial or EK URI> with
// {"data": {"smallstep:identity": "<owner email>", ...}}. It maps onto the same device service as
// POST /devices; other data keys become device metadata.
import { z } from 'zod';
import { createDevice } from '@/server/services/devices/create-device';
import { findDevice } from '@/server/services/devices/find-device';
import { updateDevice } from '@/server/services/devices/update-device';
import { ownerEmailSchema, permanentIdentifierSchema } from '@/server/services/devices/device-fields';
import { handleApi } from './handler';
import { parseWith, readJson } from './parse';
import { ApiError, json } from './respond';

const bodySchema = z
  .object({
    data: z
      .record(z.string().min(1).max(128), z.union([z.string().max(1024), z.number(), z.boolean()]))
      .refine((d) => Object.keys(d).length <= 50, 'data: at most 50 keys'),
  })
  .strict();

export function saveCollectionInstanceRoute(req: Request, slug: string, rawInstanceId: string) {
  return handleApi(req, async (call) => {
    if (slug !== 'default') throw new ApiError(404, `Collection "${slug.slice(0, 60)}" not found; devices live in the "default" collection`);
    const instanceId = parseWith(permanentIdentifierSchema, decodeURIComponent(rawInstanceId));
    const { data } = parseWith(bodySchema, await readJson(call.req));
    const identity = data['smallstep:identity'];
    const ownerEmail = identity === undefined ? undefined : parseWith(ownerEmailSchema, String(identity));
    const metadata = Object.fromEntries(
      Object.entries(data)
        .filter(([k]) => k !== 'smallstep:identity')
        .map(([k, v]) => [k, String(v)]),
    );
    const existing = await findDevice(call.db, { by: 'permanentIdentifier', value: instanceId });
    let device;
    let status = 200;
    if (existing?.sourceKinds.includes('api')) {
      // PUT is idempotent: saving the instance again updates it.
      device = await updateDevice(call.db, call.actor, existing.id, {
        ...(ownerEmail !== undefined ? { ownerEmail } : {}),
        ...(Object.keys(metadata).length ? { metadata: { ...existing.metadata, ...metadata } } : {}),
      });
    } else {
      ({ device } = await createDevice(
        call.db,
        call.actor,
        { permanentIdentifier: instanceId, ownerEmail, metadata: Object.keys(metadata).length ? metadata : undefined },
        'api',
      ));
      status = existing ? 200 : 201;
    }
    return json(call, status, {
      id: instanceId,
      collectionSlug: 'default',
      deviceID: device.id,
      data: { ...device.metadata, ...(device.ownerEmail ? { 'smallstep:identity': device.ownerEmail } : {}) },
      createdAt: device.enrolledAt.toISOString(),
      updatedAt: device.updatedAt.toISOString(),
    });
  });
}
