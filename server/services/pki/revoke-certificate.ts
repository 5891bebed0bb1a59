import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { certificates } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { notFound } from '../errors';
import { regenerateCrl } from './crl';

// RFC 5280 §5.3.1 reason codes offered to admins (removeFromCRL and aACompromise are not).
export const revocationReasons = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
} as const;

export const revokeCertificateInput = z.object({
  serialHex: z.string().regex(/^[0-9a-f]{2,64}$/i, 'serial must be hexadecimal'),
  reason: z.enum(Object.keys(revocationReasons) as [keyof typeof revocationReasons]).default('unspecified'),
});

export async function revokeCertificate(db: Db, actor: Actor, raw: z.input<typeof revokeCertificateInput>) {
  const input = revokeCertificateInput.parse(raw);
  const serial = input.serialHex.toLowerCase();
  const revoked = await db.transaction(async (tx) => {
    const [cert] = await tx.select().from(certificates).where(eq(certificates.serialHex, serial)).for('update');
    if (!cert) throw notFound('Certificate');
    if (cert.revokedAt) return null;
    await tx
      .update(certificates)
      .set({ revokedAt: new Date(), revocationReason: revocationReasons[input.reason] })
      .where(and(eq(certificates.id, cert.id), isNull(certificates.revokedAt)));
    await recordAudit(tx, actor, {
      action: 'certificate.revoke',
      targetType: 'certificate',
      targetId: serial,
      targetLabel: cert.subject,
      details: { reason: input.reason, deviceId: cert.deviceId },
    });
    return cert;
  });
  if (revoked) await regenerateCrl(db);
  return { serialHex: serial, alreadyRevoked: !revoked };
}
