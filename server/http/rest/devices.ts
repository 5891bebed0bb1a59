// REST API device operations (Smallstep API 2025-01-01: ListDevices, PostDevices, GetDevice,
// PatchDevice, DeleteDevice, PatchDeviceLifecycle).
import { z } from 'zod';
import { deviceOsValues } from '@/server/db/schema';
import { createDevice } from '@/server/services/devices/create-device';
import { deleteDevice } from '@/server/services/devices/delete-device';
import { findDevice, parseDeviceRef } from '@/server/services/devices/find-device';
import { listDevices } from '@/server/services/devices/list-devices';
import { setDeviceLifecycle, lifecycleInput } from '@/server/services/devices/set-device-lifecycle';
import { updateDevice } from '@/server/services/devices/update-device';
import {
  displayIdSchema,
  displayNameSchema,
  metadataSchema,
  osSchema,
  ownerEmailSchema,
  ownershipSchema,
  permanentIdentifierSchema,
  serialSchema,
  tagsSchema,
} from '@/server/services/devices/device-fields';
import { apiSourceToKinds, toApiDevice } from './device-json';
import { handleApi, type ApiCall } from './handler';
import { deepObject, parseBool, parseWith, readJson } from './parse';
import { ApiError, json, noContent } from './respond';

// Read-only fields a client may echo back from a GET; they are ignored, anything else unknown is
// refused so that a typo does not pass silently.
const readOnly = { id: z.unknown(), connected: z.unknown(), highAssurance: z.unknown(), enrolledAt: z.unknown(), lastSeen: z.unknown(), approvedAt: z.unknown(), hostID: z.unknown(), lifecycleStatus: z.unknown() };

const userSchema = z.object({ email: ownerEmailSchema, displayName: z.unknown().optional() }).strict();

const deviceRequestSchema = z
  .object({
    permanentIdentifier: permanentIdentifierSchema,
    serial: serialSchema.optional(),
    displayId: displayIdSchema.optional(),
    displayName: displayNameSchema.optional(),
    os: osSchema.optional(),
    ownership: ownershipSchema.optional(),
    tags: tagsSchema.optional(),
    metadata: metadataSchema.optional(),
    user: userSchema.optional(),
    shared: z.boolean().optional(),
    ...Object.fromEntries(Object.keys(readOnly).map((k) => [k, z.unknown().optional()])),
  })
  .strict();

const devicePatchSchema = z
  .object({
    serial: serialSchema.nullable().optional(),
    displayId: displayIdSchema.nullable().optional(),
    displayName: displayNameSchema.nullable().optional(),
    os: osSchema.nullable().optional(),
    ownership: ownershipSchema.nullable().optional(),
    tags: tagsSchema.nullable().optional(),
    metadata: metadataSchema.nullable().optional(),
    shared: z.boolean().optional(),
    user: z.object({ email: ownerEmailSchema.nullable() }).strict().nullable().optional(),
  })
  .strict();

async function deviceFromPath(call: ApiCall, rawId: string) {
  const ref = parseDeviceRef(decodeURIComponent(rawId));
  if (!ref) {
    throw new ApiError(
      400,
      'deviceID must be a UUID or a URN (urn:ek:sha256:…, urn:smallstep:device:permanent-identifier:…, urn:smallstep:device:serial:…)',
    );
  }
  const device = await findDevice(call.db, ref);
  if (!device) throw new ApiError(404, 'Device not found');
  return device;
}

const ciEnum = <T extends string>(values: readonly T[], given: string, name: string): T => {
  const hit = values.find((v) => v.toLowerCase() === given.toLowerCase());
  if (!hit) throw new ApiError(400, `${name}: "${given.slice(0, 50)}" is not one of ${values.join(', ')}`);
  return hit;
};

const knownFilters = new Set(['assurance', 'operatingSystem', 'os', 'ownership', 'source', 'status', 'onlyManaged', 'onlyPendingApproval', 'onlyUnassigned', 'tags', 'search']);

export function listDevicesRoute(req: Request) {
  return handleApi(req, async (call) => {
    const q = call.url.searchParams;
    const pagination = deepObject(q, 'pagination');
    const filters = deepObject(q, 'filters');
    const sort = deepObject(q, 'sort');
    for (const k of Object.keys(filters)) if (!knownFilters.has(k)) throw new ApiError(400, `Unknown filter "${k.slice(0, 40)}"`);
    let first = 100;
    if (pagination.first?.length) {
      first = Number(pagination.first.at(-1));
      if (!Number.isInteger(first) || first < 1 || first > 1000) throw new ApiError(400, 'pagination[first] must be an integer from 1 to 1000');
    }
    const sortField = sort.field?.length ? ciEnum(['enrolledAt', 'lastSeen', 'source'] as const, sort.field.at(-1)!, 'sort[field]') : 'enrolledAt';
    const status = filters.status?.length ? ciEnum(['ok', 'warning', 'error'] as const, filters.status.at(-1)!, 'filters[status]') : undefined;
    const result = await listDevices(call.db, {
      first,
      after: pagination.after?.at(-1) || undefined,
      sort: sortField,
      ascending: parseBool(sort.ascending, 'sort[ascending]') ?? false,
      assurance: filters.assurance?.map((a) => (ciEnum(['normal', 'high'] as const, a, 'filters[assurance]') === 'high' ? 'high' : 'low')),
      os: [...(filters.operatingSystem ?? []), ...(filters.os ?? [])].map((o) => ciEnum(deviceOsValues, o, 'filters[operatingSystem]')) || undefined,
      ownership: filters.ownership?.map((o) => ciEnum(['company', 'user'] as const, o, 'filters[ownership]')),
      sources: filters.source?.flatMap((s) => apiSourceToKinds[ciEnum(Object.keys(apiSourceToKinds), s, 'filters[source]')]),
      approval: parseBool(filters.onlyPendingApproval, 'filters[onlyPendingApproval]') ? ['pending'] : undefined,
      onlyUnassigned: parseBool(filters.onlyUnassigned, 'filters[onlyUnassigned]'),
      onlyManaged: parseBool(filters.onlyManaged, 'filters[onlyManaged]'),
      status,
      tags: filters.tags,
      search: filters.search?.join(' ').slice(0, 200) || undefined,
    });
    return json(call, 200, result.devices.map((d) => toApiDevice(d)), result.nextCursor ? { 'x-next-cursor': result.nextCursor } : {});
  });
}

export function createDeviceRoute(req: Request) {
  return handleApi(req, async (call) => {
    const body = parseWith(deviceRequestSchema, await readJson(call.req));
    const { device } = await createDevice(
      call.db,
      call.actor,
      {
        permanentIdentifier: body.permanentIdentifier,
        serial: body.serial,
        displayId: body.displayId,
        displayName: body.displayName,
        os: body.os,
        ownership: body.ownership,
        tags: body.tags,
        metadata: body.metadata,
        shared: body.shared,
        ownerEmail: body.user?.email,
      },
      'api',
    );
    return json(call, 201, toApiDevice(device));
  });
}

export function getDeviceRoute(req: Request, deviceId: string) {
  return handleApi(req, async (call) => json(call, 200, toApiDevice(await deviceFromPath(call, deviceId))));
}

export function patchDeviceRoute(req: Request, deviceId: string) {
  return handleApi(req, async (call) => {
    const body = parseWith(devicePatchSchema, await readJson(call.req));
    const device = await deviceFromPath(call, deviceId);
    const { user, ...rest } = body;
    const updated = await updateDevice(call.db, call.actor, device.id, {
      ...rest,
      ...(user !== undefined ? { ownerEmail: user?.email ?? null } : {}),
    });
    return json(call, 200, toApiDevice(updated));
  });
}

export function deleteDeviceRoute(req: Request, deviceId: string) {
  return handleApi(req, async (call) => {
    const device = await deviceFromPath(call, deviceId);
    await deleteDevice(call.db, call.actor, device.id);
    return noContent(call);
  });
}

export function patchLifecycleRoute(req: Request, deviceId: string) {
  return handleApi(req, async (call) => {
    const body = parseWith(lifecycleInput.strict(), await readJson(call.req));
    const device = await deviceFromPath(call, deviceId);
    return json(call, 200, toApiDevice(await setDeviceLifecycle(call.db, call.actor, device.id, body.status)));
  });
}
