// TPM attestation CA in the console: its root, the EK roots an Owner trusts beyond the shipped
// vendor roots, and the team's policy for EKs without a certificate. Trust anchors are an Owner's
// decision (like the SSO configuration); the EK policy sits with the other approval policies (Admin).
import { adminProcedure, ownerProcedure, router } from '../trpc';
import { publicBaseUrl } from '@/server/http/base-url';
import { attestationCaSummary } from '@/server/services/attestation/attestation-ca-summary';
import { updateAttestationSettings, updateAttestationSettingsInput } from '@/server/services/attestation/attestation-settings';
import { addEkRoot, addEkRootInput, removeEkRoot, removeEkRootInput } from '@/server/services/attestation/ek-roots';

export const attestationRouter = router({
  summary: adminProcedure.query(({ ctx }) => attestationCaSummary(ctx.db, publicBaseUrl())),
  updateSettings: adminProcedure.input(updateAttestationSettingsInput).mutation(({ ctx, input }) => updateAttestationSettings(ctx.db, ctx.actor, input)),
  addEkRoot: ownerProcedure.input(addEkRootInput).mutation(({ ctx, input }) => addEkRoot(ctx.db, ctx.actor, input)),
  removeEkRoot: ownerProcedure.input(removeEkRootInput).mutation(({ ctx, input }) => removeEkRoot(ctx.db, ctx.actor, input.id)),
});
