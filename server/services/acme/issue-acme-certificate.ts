// Signs the device certificate of a finalized ACME order with the Agents authority: the CSR's
// key (already matched to the attested key), the CSR's common name or else the identifier, and
// the attested permanent identifier as an RFC 4043 subjectAltName, whatever else the CSR asks.
import { createHash } from 'node:crypto';
import type { Db } from '@/server/db';
import { certificates, type CertificateRow, type Device } from '@/server/db/schema';
import { issueCertificate } from '@/lib/pki/issue-certificate';
import { encodeName } from '@/lib/pki/distinguished-name';
import type { ParsedCsr } from '@/lib/pki/parse-csr';
import { permanentIdentifierSubjectAltName } from '@/lib/acme/permanent-identifier';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { deviceLabel } from '../devices/record-device-source';
import type { LoadedAuthority } from '../pki/load-authority';
import { ACME_CERTIFICATE_DAYS } from './acme-context';

export interface IssueAcmeCertificateInput {
  authority: LoadedAuthority;
  csr: ParsedCsr;
  device: Device;
  permanentIdentifier: string;
  orderId: string;
  crlUrl: string;
  /** Validity the client asked for in newOrder, narrowed to Tessera's policy. */
  notBefore?: Date | null;
  notAfter?: Date | null;
}

export async function issueAcmeCertificate(db: Db, actor: Actor, input: IssueAcmeCertificateInput): Promise<CertificateRow> {
  const now = Date.now();
  const earliest = now - 5 * 60_000; // clock skew on the device
  const latest = now + ACME_CERTIFICATE_DAYS * 86_400_000;
  const notBefore = new Date(Math.max(earliest, input.notBefore?.getTime() ?? earliest));
  const notAfter = new Date(Math.min(latest, input.notAfter?.getTime() ?? latest));
  const commonName = input.csr.commonName?.trim() || input.permanentIdentifier;
  const issued = issueCertificate({
    csr: input.csr,
    issuerCertificate: input.authority.intermediate.der,
    issuerPrivateKey: input.authority.intermediateKey,
    notBefore,
    notAfter,
    crlUrls: [input.crlUrl],
    names: { subjectDer: encodeName([['CN', commonName.slice(0, 64)]]), subjectAltName: permanentIdentifierSubjectAltName(input.permanentIdentifier) },
  });
  const [row] = await db
    .insert(certificates)
    .values({
      serialHex: issued.serialNumberHex,
      authorityId: input.authority.row.id,
      deviceId: input.device.id,
      subject: issued.subject,
      issuedVia: 'acme',
      template: 'acme',
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
      certPem: issued.certificatePem,
      publicKeySha256: createHash('sha256').update(input.csr.subjectPublicKeyInfoDer).digest('hex'),
    })
    .returning();
  await recordAudit(db, actor, {
    action: 'certificate.issue',
    targetType: 'device',
    targetId: input.device.id,
    targetLabel: deviceLabel(input.device),
    details: { serial: issued.serialNumberHex, subject: issued.subject, via: 'acme', orderId: input.orderId, notAfter: issued.notAfter.toISOString() },
  });
  return row;
}
