// The authority's CRL: regenerated on every revocation and whenever it is half-way to its next
// update, stored on the authority row so every instance serves the same bytes.
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { authorities, certificates } from '@/server/db/schema';
import { createCrl } from '@/lib/pki/create-crl';
import { loadAuthority, AGENTS_AUTHORITY } from './load-authority';

const CRL_LIFETIME_MS = 7 * 86_400_000;

export async function regenerateCrl(db: Db, slug = AGENTS_AUTHORITY): Promise<string> {
  const auth = await loadAuthority(db, slug);
  return db.transaction(async (tx) => {
    // Lock the row so two instances do not publish the same CRL number.
    const [row] = await tx.select().from(authorities).where(eq(authorities.id, auth.row.id)).for('update');
    const revoked = await tx
      .select({ serialHex: certificates.serialHex, revokedAt: certificates.revokedAt, reason: certificates.revocationReason })
      .from(certificates)
      .where(and(eq(certificates.authorityId, row.id), isNotNull(certificates.revokedAt), sql`${certificates.notAfter} > now()`));
    const now = new Date();
    const crlNumber = row.crlNumber + 1;
    const { crlPem } = createCrl({
      issuerCertificate: auth.intermediate.der,
      issuerPrivateKey: auth.intermediateKey,
      revoked: revoked.map((r) => ({ serialNumberHex: r.serialHex, revokedAt: r.revokedAt!, reason: (r.reason ?? undefined) as never })),
      crlNumber: BigInt(crlNumber),
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + CRL_LIFETIME_MS),
    });
    await tx
      .update(authorities)
      .set({ crlNumber, crlPem, crlNextUpdate: new Date(now.getTime() + CRL_LIFETIME_MS) })
      .where(eq(authorities.id, row.id));
    return crlPem;
  });
}

export async function currentCrl(db: Db, slug = AGENTS_AUTHORITY): Promise<string> {
  const auth = await loadAuthority(db, slug);
  const r = auth.row;
  const fresh = r.crlPem && r.crlNextUpdate && r.crlNextUpdate.getTime() - Date.now() > CRL_LIFETIME_MS / 2;
  return fresh ? r.crlPem! : regenerateCrl(db, slug);
}
