import { z } from 'zod';
import { adminProcedure, ownerProcedure, router } from '../trpc';
import { authoritySummary } from '@/server/services/pki/authority-summary';
import { listCertificates, listCertificatesInput } from '@/server/services/pki/list-certificates';
import { revokeCertificate, revokeCertificateInput } from '@/server/services/pki/revoke-certificate';
import { rotateRa } from '@/server/services/pki/rotate-ra';
import { regenerateCrl } from '@/server/services/pki/crl';
import { publicBaseUrl } from '@/server/http/base-url';

export const pkiRouter = router({
  authority: adminProcedure.query(({ ctx }) => authoritySummary(ctx.db, publicBaseUrl())),
  certificates: adminProcedure.input(listCertificatesInput).query(({ ctx, input }) => listCertificates(ctx.db, input)),
  revoke: adminProcedure.input(revokeCertificateInput).mutation(({ ctx, input }) => revokeCertificate(ctx.db, ctx.actor, input)),
  rotateRa: ownerProcedure.input(z.object({ confirm: z.literal(true) })).mutation(({ ctx }) => rotateRa(ctx.db, ctx.actor)),
  regenerateCrl: adminProcedure.mutation(async ({ ctx }) => {
    await regenerateCrl(ctx.db);
    return { ok: true };
  }),
});
