// RFC 8555 §7.6 revokeCert: signed by the account whose order issued the certificate, or by the
// certificate's own key (a jwk request). Clients may give the reasons a device can know about.
import { eq } from 'drizzle-orm';
import { createPublicKey } from 'node:crypto';
import type { Db } from '@/server/db';
import { acmeOrders, certificates } from '@/server/db/schema';
import { decodeBase64Url } from '@/lib/acme/base64url';
import { jwkToKeyObject } from '@/lib/acme/jwk';
import { AcmeProblem } from '@/lib/acme/problem';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { toDer } from '@/lib/pki/pem';
import type { Actor } from '../actor';
import { revokeCertificate, revocationReasons } from '../pki/revoke-certificate';
import { acmeActor, type AcmeContext } from './acme-context';
import type { AuthenticatedRequest } from './authenticate-request';

const CLIENT_REASONS: Record<number, keyof typeof revocationReasons> = {
  0: 'unspecified',
  1: 'keyCompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  9: 'privilegeWithdrawn',
};

export async function revokeAcmeCertificate(db: Db, ctx: AcmeContext, request: AuthenticatedRequest): Promise<void> {
  const payload = request.jws.payload as { certificate?: unknown; reason?: unknown } | null;
  if (!payload || typeof payload.certificate !== 'string') throw new AcmeProblem('malformed', 'revokeCert needs {"certificate": "<base64url DER>"}');
  const der = decodeBase64Url(payload.certificate);
  let cert: ParsedCertificate;
  try {
    if (!der) throw new Error('not base64url');
    cert = parseCertificate(der);
  } catch {
    throw new AcmeProblem('malformed', 'The "certificate" is not a base64url DER certificate');
  }
  const reasonCode = payload.reason ?? 0;
  const reason = typeof reasonCode === 'number' ? CLIENT_REASONS[reasonCode] : undefined;
  if (!reason) throw new AcmeProblem('badRevocationReason', `Reason codes accepted: ${Object.keys(CLIENT_REASONS).join(', ')}`);

  const [row] = await db.select().from(certificates).where(eq(certificates.serialHex, cert.serialNumberHex));
  if (!row || !toDer(row.certPem, 'CERTIFICATE').equals(cert.der)) throw new AcmeProblem('malformed', 'Tessera did not issue this certificate', 404);

  let actor: Actor;
  if (request.by === 'kid') {
    const [order] = await db.select({ accountId: acmeOrders.accountId }).from(acmeOrders).where(eq(acmeOrders.certificateId, row.id));
    if (!order || order.accountId !== request.account.id) throw new AcmeProblem('unauthorized', 'The certificate was not issued to this account');
    actor = acmeActor(request.account, ctx.ip);
  } else {
    const signer = jwkToKeyObject(request.jwk).export({ format: 'der', type: 'spki' });
    const subject = createPublicKey({ key: Buffer.from(cert.subjectPublicKeyInfoDer), format: 'der', type: 'spki' }).export({ format: 'der', type: 'spki' });
    if (!signer.equals(subject)) throw new AcmeProblem('unauthorized', "A jwk revocation must be signed with the certificate's own key");
    actor = { type: 'acme', label: 'acme:certificate-key', ip: ctx.ip ?? null };
  }
  if (row.revokedAt) throw new AcmeProblem('alreadyRevoked', 'The certificate is already revoked');
  await revokeCertificate(db, actor, { serialHex: row.serialHex, reason });
}
