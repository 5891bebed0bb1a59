// EK CAs an admin trusts beyond the shipped vendor roots: list, add (a PEM CA certificate), remove.
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { tpmEkRoots, type TpmEkRoot } from '@/server/db/schema';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { pemBlocks, toPem } from '@/lib/pki/pem';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { badRequest, conflict, isUniqueViolation, notFound } from '../errors';

export interface EkRootView {
  id: string;
  name: string;
  subject: string;
  sha256: string;
  notAfter: Date;
  addedBy: string;
  createdAt: Date;
}

const view = (r: TpmEkRoot): EkRootView => ({ id: r.id, name: r.name, subject: r.subject, sha256: r.sha256, notAfter: r.notAfter, addedBy: r.addedBy, createdAt: r.createdAt });

export async function listEkRoots(db: Db): Promise<EkRootView[]> {
  return (await db.select().from(tpmEkRoots).orderBy(asc(tpmEkRoots.createdAt)).limit(500)).map(view);
}

/** The admin-added roots as parsed certificates (for chain checks). */
export async function addedEkRootCertificates(db: Db): Promise<ParsedCertificate[]> {
  const rows = await db.select({ certPem: tpmEkRoots.certPem }).from(tpmEkRoots).limit(500);
  return rows.map((r) => parseCertificate(r.certPem));
}

export const addEkRootInput = z.object({
  name: z.string().trim().min(1, 'Give the root a name').max(200, 'The name is longer than 200 characters'),
  pem: z.string().min(1, 'Paste a PEM certificate').max(64 * 1024, 'The certificate is larger than 64 KiB'),
});
export type AddEkRootInput = z.infer<typeof addEkRootInput>;

export async function addEkRoot(db: Db, actor: Actor, raw: AddEkRootInput): Promise<EkRootView> {
  const input = addEkRootInput.parse(raw);
  const blocks = pemBlocks(input.pem, 'CERTIFICATE');
  if (blocks.length !== 1) throw badRequest(blocks.length ? 'Paste one certificate at a time' : 'No "-----BEGIN CERTIFICATE-----" block found', 'pem');
  let cert: ParsedCertificate;
  try {
    cert = parseCertificate(blocks[0]);
  } catch (err) {
    throw badRequest(`The certificate cannot be read: ${(err as Error).message}`, 'pem');
  }
  if (!cert.isCa) throw badRequest('This is not a CA certificate (basicConstraints cA is not set); add the CA that issues EK certificates', 'pem');
  const sha256 = certificateFingerprint(cert.der).hex;
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(tpmEkRoots)
        .values({ name: input.name, certPem: toPem(cert.der, 'CERTIFICATE'), sha256, subject: cert.subject, notAfter: cert.notAfter, addedBy: actor.label })
        .returning();
      await recordAudit(tx, actor, { action: 'attestation.ek_root.add', targetType: 'tpm_ek_root', targetId: row.id, targetLabel: row.name, details: { subject: cert.subject, sha256 } });
      return view(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('This certificate is already trusted', 'pem');
    throw err;
  }
}

export const removeEkRootInput = z.object({ id: z.uuid() });

export async function removeEkRoot(db: Db, actor: Actor, id: string): Promise<{ ok: true }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(tpmEkRoots).where(eq(tpmEkRoots.id, id)).returning();
    if (!row) throw notFound('EK root');
    await recordAudit(tx, actor, { action: 'attestation.ek_root.remove', targetType: 'tpm_ek_root', targetId: row.id, targetLabel: row.name, details: { subject: row.subject, sha256: row.sha256 } });
    return { ok: true as const };
  });
}
