// "My devices": every signed-in person, whatever their role, sees and enrolls only their own devices.
import { authedProcedure, router } from '../trpc';
import { enrollOwnDevice, enrollOwnDeviceInput } from '@/server/services/devices/enroll-own-device';
import { listOwnDevices } from '@/server/services/devices/list-own-devices';
import { selfEnrollmentInfo } from '@/server/services/devices/self-enrollment-info';

export const myDevicesRouter = router({
  list: authedProcedure.query(({ ctx }) => listOwnDevices(ctx.db, ctx.user.id)),
  info: authedProcedure.query(({ ctx }) => selfEnrollmentInfo(ctx.db, ctx.user.signInMethod)),
  enroll: authedProcedure
    .input(enrollOwnDeviceInput)
    .mutation(({ ctx, input }) => enrollOwnDevice(ctx.db, ctx.actor, ctx.user.signInMethod, input)),
});
