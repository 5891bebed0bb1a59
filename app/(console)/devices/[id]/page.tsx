import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ActionBadge } from '@/components/audit/action-label';
import { AttestationEvidence } from '@/components/devices/attestation-evidence';
import { DeviceActions } from '@/components/devices/device-actions';
import { RevokeButton } from '@/components/pki/revoke-button';
import { ApprovalBadge, AssuranceBadge, LifecycleBadge, sourceLabel } from '@/components/devices/device-badges';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader, EmptyState } from '@/components/ui/card';
import { formatDateTime, formatRelative } from '@/lib/format';
import { DetailRow } from '@/components/ui/detail-row';
import { consoleApi } from '@/server/api/caller';

export const metadata = { title: 'Device' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function DevicePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const caller = await consoleApi();
  const detail = await caller.devices.get({ id }).catch((e: { code?: string }) => {
    if (e.code === 'NOT_FOUND') notFound();
    throw e;
  });
  const { device: d, owner, sources, history } = detail;
  const label = d.displayName || d.serial || d.permanentIdentifier || d.id;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/devices" className="text-brand-600 hover:text-brand-700">Devices</Link>
        <span className="text-slate-400"> / </span>
        <span className="text-slate-600">{label}</span>
      </nav>
      <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{label}</h1>
          <div className="mt-2 flex flex-wrap gap-1.5">
            <ApprovalBadge status={d.approvalStatus} />
            <AssuranceBadge assurance={d.assurance} />
            <LifecycleBadge status={d.lifecycleStatus} />
          </div>
        </div>
        <DeviceActions id={d.id} label={label} approvalStatus={d.approvalStatus} lifecycleStatus={d.lifecycleStatus} />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card>
            <CardHeader title="Identity" />
            <dl className="divide-y divide-slate-100">
              <DetailRow label="Permanent identifier"><span className="break-all font-mono text-xs">{d.permanentIdentifier}</span></DetailRow>
              <DetailRow label="Serial number">{d.serial}</DetailRow>
              <DetailRow label="Hardware UUID">{d.hardwareUuid && <span className="font-mono text-xs">{d.hardwareUuid}</span>}</DetailRow>
              <DetailRow label="Name">{d.displayName}</DetailRow>
              <DetailRow label="Display ID">{d.displayId}</DetailRow>
              <DetailRow label="Hostname">{d.hostname}</DetailRow>
              <DetailRow label="Operating system">{d.os && `${d.os} ${d.osVersion ?? ''}`}</DetailRow>
              <DetailRow label="Model">{[d.manufacturer, d.model].filter(Boolean).join(' ') || null}</DetailRow>
              <DetailRow label="Ownership">{d.ownership && (d.ownership === 'company' ? 'Company' : 'User')}{d.shared ? ' · shared' : ''}</DetailRow>
              <DetailRow label="Owner">
                {owner && (
                  <>
                    {owner.name ? `${owner.name} · ` : ''}
                    {owner.email} {!owner.linked && <Badge tone="gray">no Tessera user</Badge>}
                  </>
                )}
              </DetailRow>
              <DetailRow label="Tags">{d.tags.length ? d.tags.map((t) => <Badge key={t}>{t}</Badge>) : null}</DetailRow>
              <DetailRow label="Metadata">
                {Object.keys(d.metadata).length ? (
                  <code className="text-xs">{Object.entries(d.metadata).map(([k, v]) => `${k}=${v}`).join(', ')}</code>
                ) : null}
              </DetailRow>
              <DetailRow label="Enrolled">{formatDateTime(d.enrolledAt)}</DetailRow>
              <DetailRow label="Last seen">{d.lastSeenAt ? `${formatDateTime(d.lastSeenAt)} (${formatRelative(d.lastSeenAt)})` : null}</DetailRow>
              <DetailRow label="Approval">
                {d.approvalStatus === 'approved' ? `Approved ${formatDateTime(d.approvedAt)} by ${d.approvedBy ?? 'policy'}` : d.approvalStatus === 'pending' ? 'Waiting for an admin' : 'Rejected'}
              </DetailRow>
              {d.maskedFields.length > 0 && <DetailRow label="Set by admin or API">{d.maskedFields.join(', ')}</DetailRow>}
            </dl>
          </Card>
          {d.attestationEvidence && <AttestationEvidence format={d.attestationFormat} attestedAt={d.attestedAt} evidence={d.attestationEvidence} />}
          <Card>
            <CardHeader title="Sources" description="Each system that reported this device, with the record it sent." />
            {sources.length === 0 ? (
              <EmptyState title="No source records" />
            ) : (
              <ul className="divide-y divide-slate-100">
                {sources.map((s) => (
                  <li key={s.id} className="px-5 py-3 text-sm">
                    <div className="flex flex-wrap items-center gap-2">
                      <Badge tone="blue">{sourceLabel(s.kind)}</Badge>
                      <span className="font-mono text-xs text-slate-600">{s.source} · {s.externalId}</span>
                      {s.removedAt && <Badge tone="amber">Removed from source {formatRelative(s.removedAt)}</Badge>}
                      <span className="ml-auto text-xs text-slate-400">added {formatRelative(s.firstSeenAt)}, updated {formatRelative(s.lastSeenAt)}</span>
                    </div>
                    <details className="mt-2">
                      <summary className="cursor-pointer text-xs text-brand-600">Record</summary>
                      <pre className="mt-2 max-h-64 overflow-auto rounded bg-slate-50 p-3 text-xs text-slate-700">{JSON.stringify(s.raw ?? s.normalized, null, 2)}</pre>
                    </details>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
        <div className="space-y-6">
          <Card>
            <CardHeader title="Assurance" />
            <div className="px-5 py-4 text-sm">
              {d.assurance === 'high' ? (
                <>
                  <p className="font-medium text-violet-700">High assurance</p>
                  <p className="mt-1 text-slate-600">Attested with {d.attestationFormat ?? 'unknown format'} on {formatDateTime(d.attestedAt)}. The evidence is under Attestation.</p>
                </>
              ) : (
                <p className="text-slate-600">Low assurance: this device has not proven its hardware identity by attestation yet. MDM records and API adds do not count as attestation.</p>
              )}
            </div>
          </Card>
          <Card>
            <CardHeader title="Certificates" />
            {detail.certificates.length === 0 ? (
              <EmptyState title="No certificates issued">Certificates issued to this device over SCEP or ACME are listed here.</EmptyState>
            ) : (
              <ul className="divide-y divide-slate-100">
                {detail.certificates.map((c) => {
                  const status = c.revokedAt ? 'revoked' : c.notAfter.getTime() < Date.now() ? 'expired' : 'active';
                  return (
                    <li key={c.serialHex} className="px-5 py-3 text-sm">
                      <div className="flex items-center gap-2">
                        <Badge tone={status === 'active' ? 'green' : status === 'expired' ? 'amber' : 'red'}>{status}</Badge>
                        <span className="text-xs text-slate-500">{c.template ?? c.issuedVia.toUpperCase()}</span>
                        {status === 'active' && <span className="ml-auto"><RevokeButton serialHex={c.serialHex} subject={c.subject} /></span>}
                      </div>
                      <p className="mt-1 truncate font-mono text-xs text-slate-600" title={c.serialHex}>{c.serialHex}</p>
                      <p className="text-xs text-slate-500">until {formatDateTime(c.notAfter)}</p>
                    </li>
                  );
                })}
              </ul>
            )}
          </Card>
          <Card>
            <CardHeader title="History" />
            {history.length === 0 ? (
              <EmptyState title="No history" />
            ) : (
              <ol className="divide-y divide-slate-100">
                {history.map((h) => (
                  <li key={h.id} className="px-5 py-2.5 text-sm">
                    <div className="flex items-center gap-2">
                      <ActionBadge action={h.action} />
                      <span className="ml-auto text-xs text-slate-400" title={formatDateTime(h.at)}>{formatRelative(h.at)}</span>
                    </div>
                    <p className="mt-1 text-xs text-slate-500">by {h.actorLabel}</p>
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
