// The proof behind a high-assurance device: which attestation format, when, the hardware identity
// it bound and the certificate chain it was verified against (Apple MDA chain or TPM AK chain).
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { DetailRow } from '@/components/ui/detail-row';
import { formatDateTime, formatRelative } from '@/lib/format';

type Evidence = Record<string, unknown>;

interface ChainCert {
  subject: string;
  issuer?: string;
  sha256?: string;
  notBefore?: string;
  notAfter?: string;
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Evidence) : undefined);

const FORMAT_LABEL: Record<string, string> = {
  apple: 'Apple Managed Device Attestation',
  tpm: 'TPM 2.0 key attestation',
};

function chainOf(e: Evidence): ChainCert[] {
  if (Array.isArray(e.chain)) return e.chain.filter((c): c is ChainCert => !!c && typeof (c as ChainCert).subject === 'string');
  const ak = obj(e.akCertificate);
  if (ak && Array.isArray(ak.chain)) {
    return ak.chain.map((subject, i) => ({
      subject: String(subject),
      ...(i === 0 ? { issuer: str(ak.issuer), sha256: str(ak.sha256), notAfter: str(ak.notAfter) } : {}),
    }));
  }
  return [];
}

function Fingerprint({ hex }: { hex?: string }) {
  if (!hex) return null;
  return (
    <span className="font-mono text-xs text-slate-500" title={hex}>
      SHA-256 {hex.slice(0, 16)}…
    </span>
  );
}

export function AttestationEvidence({ format, attestedAt, evidence }: { format: string | null; attestedAt: Date | null; evidence: Evidence }) {
  const fmt = format ?? str(evidence.format) ?? 'unknown';
  const chain = chainOf(evidence);
  const attestedKey = str(evidence.attestedKeySha256) ?? str(obj(evidence.attestedKey)?.spkiSha256);
  const via = str(evidence.via);
  return (
    <Card>
      <CardHeader
        title="Attestation"
        description="The hardware proof that made this device high-assurance, as Tessera verified it."
      />
      <dl className="divide-y divide-slate-100">
        <DetailRow label="Format">
          <span className="inline-flex items-center gap-2">
            <Badge tone="violet">{fmt}</Badge>
            {FORMAT_LABEL[fmt] ?? null}
          </span>
        </DetailRow>
        <DetailRow label="Verified">{attestedAt ? `${formatDateTime(attestedAt)} (${formatRelative(attestedAt)})` : null}</DetailRow>
        {via && <DetailRow label="Through">{via === 'acme' ? 'ACME device-attest-01' : via}</DetailRow>}
        {str(evidence.identifier) && <DetailRow label="Requested identifier"><span className="break-all font-mono text-xs">{str(evidence.identifier)}</span></DetailRow>}
        {fmt === 'apple' && (
          <>
            <DetailRow label="Serial number (attested)"><span className="font-mono text-xs">{str(evidence.serialNumber)}</span></DetailRow>
            <DetailRow label="UDID (attested)">{str(evidence.udid) && <span className="break-all font-mono text-xs">{str(evidence.udid)}</span>}</DetailRow>
            <DetailRow label="OS / SEP version">
              {str(evidence.osVersion) || str(evidence.sepOsVersion) ? `${str(evidence.osVersion) ?? '?'} / ${str(evidence.sepOsVersion) ?? '?'}` : null}
            </DetailRow>
          </>
        )}
        {fmt === 'tpm' && (
          <>
            <DetailRow label="EK URI (attested)"><span className="break-all font-mono text-xs">{str(evidence.ekUri)}</span></DetailRow>
            <DetailRow label="Signature">{str(evidence.alg)}</DetailRow>
          </>
        )}
        <DetailRow label="Attested key">{attestedKey && <Fingerprint hex={attestedKey} />}</DetailRow>
        <DetailRow label="Chain">
          {chain.length ? (
            <ol className="space-y-2">
              {chain.map((c, i) => (
                <li key={`${i}-${c.subject}`} className="rounded-md border border-slate-100 bg-slate-50 px-3 py-2">
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge tone={i === 0 ? 'blue' : i === chain.length - 1 ? 'green' : 'gray'}>
                      {i === 0 ? 'leaf' : i === chain.length - 1 ? 'trusted root' : 'intermediate'}
                    </Badge>
                    <span className="break-all text-xs text-slate-800">{c.subject}</span>
                  </div>
                  <div className="mt-1 flex flex-wrap gap-x-4 gap-y-0.5 text-xs text-slate-500">
                    {c.issuer && i < chain.length - 1 && <span>issued by {c.issuer}</span>}
                    {c.notAfter && <span>valid until {formatDateTime(c.notAfter)}</span>}
                    <Fingerprint hex={c.sha256} />
                  </div>
                </li>
              ))}
            </ol>
          ) : null}
        </DetailRow>
      </dl>
      <details className="border-t border-slate-100 px-5 py-3">
        <summary className="cursor-pointer text-xs text-brand-600">All evidence</summary>
        <pre className="mt-2 max-h-72 overflow-auto rounded bg-slate-50 p-3 text-xs text-slate-700">{JSON.stringify(evidence, null, 2)}</pre>
      </details>
    </Card>
  );
}
