// Replaces the SCEP RA certificate and key. The previous RA stays usable for decrypting requests
// from clients that fetched it earlier, so devices mid-enrollment do not break.
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { authorities } from '@/server/db/schema';
import { issueRaCertificate } from '@/lib/pki/issue-ra-certificate';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { forbidden } from '../errors';
import { loadAuthority, sealKey } from './load-authority';

export async function rotateRa(db: Db, actor: Actor) {
  if (actor.role !== 'owner') throw forbidden('Only Owners can rotate the RA certificate');
  const auth = await loadAuthority(db);
  const ra = await issueRaCertificate({
    issuerCertificate: auth.intermediate.der,
    issuerPrivateKey: auth.intermediateKey,
    commonName: `Tessera Agents SCEP RA ${new Date().toISOString().slice(0, 10)}`,
    organization: 'Tessera',
  });
  const id = auth.row.id;
  const [row] = await db
    .update(authorities)
    .set({
      previousRaCertPem: auth.row.raCertPem,
      previousRaKeyEnc: sealKey(auth.raKey.export({ type: 'pkcs8', format: 'pem' }) as string, id, 'previous-ra'),
      raCertPem: ra.certificatePem,
      raKeyEnc: sealKey(ra.privateKeyPem, id, 'ra'),
      updatedAt: new Date(),
    })
    .where(eq(authorities.id, id))
    .returning();
  await recordAudit(db, actor, {
    action: 'authority.ra.rotate',
    targetType: 'authority',
    targetId: id,
    targetLabel: row.name,
    details: { previousSerial: auth.ra.serialNumberHex, newSerial: ra.serialNumberHex },
  });
  return { serialHex: ra.serialNumberHex };
}
