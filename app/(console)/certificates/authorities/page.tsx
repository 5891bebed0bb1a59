import Link from 'next/link';
import { AuthorityActions } from '@/components/pki/authority-actions';
import { TpmAttestationPanel } from '@/components/attestation/tpm-attestation-panel';
import { Card, CardHeader, PageHeader } from '@/components/ui/card';
import { formatDateTime } from '@/lib/format';
import { consoleApi } from '@/server/api/caller';

export const metadata = { title: 'Authorities' };

function CertCard({ title, cert, note }: { title: string; cert: { subject: string; issuer: string; serialHex: string; notBefore: Date; notAfter: Date; sha256: string; sha256Colon: string }; note?: string }) {
  return (
    <Card>
      <CardHeader title={title} description={note} />
      <dl className="divide-y divide-slate-100 text-sm">
        {[
          ['Subject', cert.subject],
          ['Issuer', cert.issuer],
          ['Serial', <span key="s" className="font-mono text-xs">{cert.serialHex}</span>],
          ['Valid', `${formatDateTime(cert.notBefore)} → ${formatDateTime(cert.notAfter)}`],
          ['SHA-256 fingerprint', <span key="f" className="break-all font-mono text-xs" data-testid={`${title}-fingerprint`}>{cert.sha256}</span>],
        ].map(([k, v]) => (
          <div key={k as string} className="grid grid-cols-3 gap-4 px-5 py-2.5">
            <dt className="text-slate-500">{k}</dt>
            <dd className="col-span-2 break-words text-slate-900">{v}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

export default async function AuthoritiesPage() {
  const caller = await consoleApi();
  const [a, me, tpm] = await Promise.all([caller.pki.authority(), caller.users.me(), caller.attestation.summary()]);
  const link = 'inline-flex items-center rounded-md bg-white px-3 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50';
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/certificates" className="text-brand-600 hover:text-brand-700">Certificates</Link>
        <span className="text-slate-400"> / </span>
        <span className="text-slate-600">Authorities</span>
      </nav>
      <PageHeader title="Agents authority" description="The certificate authority that issues device certificates. Its private keys are encrypted at rest and never leave the server." />
      <Card className="mb-6">
        <CardHeader title="Downloads and endpoints" />
        <div className="space-y-4 px-5 py-4 text-sm">
          <div className="flex flex-wrap gap-2">
            <a className={link} href={a.downloads.rootPem} download>Root (PEM)</a>
            <a className={link} href={a.downloads.rootDer} download>Root (DER)</a>
            <a className={link} href={a.downloads.chainPem} download>Chain (PEM)</a>
            <a className={link} href={a.downloads.crl} download>CRL</a>
          </div>
          <p className="text-slate-600">
            CRL <span className="font-mono text-xs">{a.crl.url}</span> · number {a.crl.number} · next update {formatDateTime(a.crl.nextUpdate)}
          </p>
          <AuthorityActions isOwner={me.role === 'owner'} />
        </div>
      </Card>
      <div className="grid gap-6 xl:grid-cols-3">
        <CertCard title="Root" cert={a.root} note="Distribute this to devices and relying parties. Windows' CAThumbprint and the Linux agent use its SHA-256 fingerprint." />
        <CertCard title="Intermediate" cert={a.intermediate} note="Signs device certificates and the CRL." />
        <CertCard title="SCEP RA" cert={a.ra} note={a.previousRa ? `RSA-2048. The previous RA (${a.previousRa.serialHex.slice(0, 12)}…) still decrypts requests in flight.` : 'RSA-2048: clients encrypt SCEP requests to it and it signs replies.'} />
      </div>
      <section aria-labelledby="tpm-attestation" className="mt-10 space-y-6">
        <div>
          <h2 id="tpm-attestation" className="text-lg font-semibold text-slate-900">TPM attestation CA</h2>
          <p className="text-sm text-slate-600">
            Issues AK certificates to TPMs that prove their EK with credential activation ({tpm.endpoints.akChallenge}, then ak-activate). ACME device-attest-01 accepts a TPM statement only with an AK certificate chaining to this root. See docs/attestation.md.
          </p>
        </div>
        <div className="grid items-start gap-6 xl:grid-cols-2">
          <Card>
            <CardHeader title="Attestation root" description="The trust anchor of AK certificates, and of nothing else." />
            <div className="space-y-2 px-5 py-4 text-sm">
              <p className="text-slate-600">{tpm.root.subject} · valid until {formatDateTime(tpm.root.notAfter)}</p>
              <p className="break-all font-mono text-xs" data-testid="attestation-root-fingerprint">{tpm.root.sha256}</p>
              <a className={link} href={tpm.downloads.rootPem} download>Attestation root (PEM)</a>
            </div>
          </Card>
          <Card>
            <CardHeader title="EK trust" description={`${tpm.shippedEkRoots.anchors} TPM vendor roots and ${tpm.shippedEkRoots.intermediates} vendor intermediates ship with Tessera (lib/attestation/tpm-roots).`} />
            <TpmAttestationPanel policy={tpm.settings.tpmEkWithoutCertificate} ekRoots={tpm.addedEkRoots} isOwner={me.role === 'owner'} />
          </Card>
        </div>
      </section>
    </>
  );
}
