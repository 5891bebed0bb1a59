import { z } from 'zod';
import { adminProcedure, router } from '../trpc';
import { createDevice, createDeviceInput } from '@/server/services/devices/create-device';
import { deleteDevice } from '@/server/services/devices/delete-device';
import { deviceStats } from '@/server/services/devices/device-stats';
import { getDeviceDetail } from '@/server/services/devices/get-device-detail';
import { importCsvInput, importDevicesCsv } from '@/server/services/devices/import-devices-csv';
import { countDevices, listDevices, listDevicesInput } from '@/server/services/devices/list-devices';
import { setApprovalInput, setDeviceApproval } from '@/server/services/devices/set-device-approval';
import { lifecycleInput, setDeviceLifecycle } from '@/server/services/devices/set-device-lifecycle';
import { tagDevices, tagDevicesInput } from '@/server/services/devices/tag-devices';
import { updateDevice, updateDeviceInput } from '@/server/services/devices/update-device';

const byId = z.object({ id: z.uuid() });

export const devicesRouter = router({
  list: adminProcedure.input(listDevicesInput).query(({ ctx, input }) => listDevices(ctx.db, input)),
  count: adminProcedure.input(listDevicesInput).query(({ ctx, input }) => countDevices(ctx.db, input)),
  stats: adminProcedure.query(({ ctx }) => deviceStats(ctx.db)),
  get: adminProcedure.input(byId).query(({ ctx, input }) => getDeviceDetail(ctx.db, input.id)),
  create: adminProcedure.input(createDeviceInput).mutation(async ({ ctx, input }) => {
    const { device } = await createDevice(ctx.db, ctx.actor, input, 'manual', { approve: true });
    return { id: device.id };
  }),
  update: adminProcedure
    .input(byId.extend({ changes: updateDeviceInput }))
    .mutation(({ ctx, input }) => updateDevice(ctx.db, ctx.actor, input.id, input.changes)),
  setApproval: adminProcedure.input(setApprovalInput).mutation(({ ctx, input }) => setDeviceApproval(ctx.db, ctx.actor, input)),
  tag: adminProcedure.input(tagDevicesInput).mutation(({ ctx, input }) => tagDevices(ctx.db, ctx.actor, input)),
  setLifecycle: adminProcedure
    .input(byId.merge(lifecycleInput))
    .mutation(({ ctx, input }) => setDeviceLifecycle(ctx.db, ctx.actor, input.id, input.status)),
  delete: adminProcedure.input(byId).mutation(async ({ ctx, input }) => {
    await deleteDevice(ctx.db, ctx.actor, input.id);
    return { ok: true };
  }),
  importCsv: adminProcedure.input(importCsvInput).mutation(({ ctx, input }) => importDevicesCsv(ctx.db, ctx.actor, input)),
});
