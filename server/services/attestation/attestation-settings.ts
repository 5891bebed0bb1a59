// Team-wide attestation settings (one row; defaults until an admin saves them).
import { z } from 'zod';
import type { Db } from '@/server/db';
import { attestationSettings, ekWithoutCertificatePolicies, type EkWithoutCertificatePolicy } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';

export interface AttestationSettingsView {
  tpmEkWithoutCertificate: EkWithoutCertificatePolicy;
}

const DEFAULTS: AttestationSettingsView = { tpmEkWithoutCertificate: 'registered-only' };

export async function getAttestationSettings(db: Db): Promise<AttestationSettingsView> {
  const [row] = await db.select().from(attestationSettings).limit(1);
  return row ? { tpmEkWithoutCertificate: row.tpmEkWithoutCertificate } : DEFAULTS;
}

export const updateAttestationSettingsInput = z.object({
  tpmEkWithoutCertificate: z.enum(ekWithoutCertificatePolicies, { error: 'Choose registered-only, allow or deny' }),
});
export type UpdateAttestationSettingsInput = z.infer<typeof updateAttestationSettingsInput>;

export async function updateAttestationSettings(db: Db, actor: Actor, raw: UpdateAttestationSettingsInput): Promise<AttestationSettingsView> {
  const input = updateAttestationSettingsInput.parse(raw);
  return db.transaction(async (tx) => {
    const before = await getAttestationSettings(tx);
    if (before.tpmEkWithoutCertificate === input.tpmEkWithoutCertificate) return before;
    await tx
      .insert(attestationSettings)
      .values({ singleton: true, tpmEkWithoutCertificate: input.tpmEkWithoutCertificate })
      .onConflictDoUpdate({ target: attestationSettings.singleton, set: { tpmEkWithoutCertificate: input.tpmEkWithoutCertificate, updatedAt: new Date() } });
    await recordAudit(tx, actor, {
      action: 'attestation.settings.update',
      targetType: 'attestation_settings',
      details: { changes: { tpmEkWithoutCertificate: { from: before.tpmEkWithoutCertificate, to: input.tpmEkWithoutCertificate } } },
    });
    return { tpmEkWithoutCertificate: input.tpmEkWithoutCertificate };
  });
}
