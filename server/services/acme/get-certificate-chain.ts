// RFC 8555 §7.4.2: the issued certificate and its issuing intermediate as
// application/pem-certificate-chain, for the account whose order it was.
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { acmeOrders, certificates, type AcmeAccount } from '@/server/db/schema';
import { AcmeProblem } from '@/lib/acme/problem';
import { toPem } from '@/lib/pki/pem';
import { loadAuthority } from '../pki/load-authority';

export async function getCertificateChain(db: Db, account: AcmeAccount, certificateId: string, payload: unknown): Promise<string> {
  if (payload !== null) throw new AcmeProblem('malformed', 'Download a certificate with POST-as-GET (an empty payload)');
  const [row] = await db
    .select({ certPem: certificates.certPem, accountId: acmeOrders.accountId })
    .from(certificates)
    .innerJoin(acmeOrders, and(eq(acmeOrders.certificateId, certificates.id)))
    .where(eq(certificates.id, certificateId))
    .limit(1);
  if (!row) throw new AcmeProblem('malformed', 'No such certificate', 404);
  if (row.accountId !== account.id) throw new AcmeProblem('unauthorized', 'The certificate was issued to another account');
  const authority = await loadAuthority(db);
  return row.certPem.trimEnd() + '\n' + toPem(authority.intermediate.der, 'CERTIFICATE');
}
