import { ConnectFleet } from '@/components/integrations/connect-fleet';
import { ConnectJamf } from '@/components/integrations/connect-jamf';
import { SyncPanel } from '@/components/integrations/sync-panel';
import { CopyValue } from '@/components/integrations/secret-value';
import { RotateChallenge } from '@/components/integrations/rotate-challenge';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader, EmptyState, PageHeader } from '@/components/ui/card';
import { formatDateTime } from '@/lib/format';
import { consoleApi } from '@/server/api/caller';
import { publicBaseUrl } from '@/server/http/base-url';

export const metadata = { title: 'Device management' };

export default async function IntegrationsPage() {
  const list = await (await consoleApi()).integrations.list();
  const base = publicBaseUrl();
  const profiles = (id: string) => [
    ['macOS / iOS profile (.mobileconfig)', `/api/integrations/${id}/profiles/mobileconfig`],
    ['Windows SCEP profile (SyncML)', `/api/integrations/${id}/profiles/windows-scep`],
    ['Windows root CA profile (SyncML)', `/api/integrations/${id}/profiles/windows-root`],
    ['Linux post-install script', `/api/integrations/${id}/profiles/linux-script`],
    ['Linux agent.yaml', `/api/integrations/${id}/profiles/linux-agent`],
    ['Fleet GitOps YAML', `/api/integrations/${id}/profiles/gitops`],
  ];
  return (
    <>
      <PageHeader title="Device management" description="Connect your MDM so its devices get certificates over SCEP with a dynamic challenge." />
      <div className="mb-6 flex flex-wrap items-start gap-3">
        <ConnectFleet rootPemUrl={`${base}/pki/agents/root.pem`} />
        <ConnectJamf />
      </div>
      {list.length === 0 ? (
        <Card>
          <EmptyState title="No MDM connected">
            Connect Fleet or Jamf Pro to sync their devices into the inventory; Fleet also issues device certificates over SCEP.
          </EmptyState>
        </Card>
      ) : (
        <div className="space-y-6">
          {list.map((i) => (
            <Card key={i.id}>
              <CardHeader
                title={i.name}
                description={
                  <>
                    <Badge tone="blue">{i.kind === 'fleet' ? 'Fleet' : 'Jamf Pro'}</Badge> <span className="ml-1">{i.url}</span> · connected {formatDateTime(i.createdAt)}
                  </>
                }
              />
              <div className="space-y-5 px-5 py-4">
                <SyncPanel id={i.id} name={i.name} />
                {i.kind === 'fleet' && (
                <>
                <div className="grid gap-3 md:grid-cols-2">
                  <CopyValue label="SCEP URL" value={i.scepUrl} />
                  <CopyValue label="Challenge URL" value={i.challengeUrl} />
                  <CopyValue label="Challenge username" value={i.challengeUsername ?? ''} />
                  <CopyValue label="CA name in Fleet" value={i.caName} />
                </div>
                <RotateChallenge id={i.id} name={i.name} />
                <div>
                  <h3 className="text-sm font-semibold text-slate-900">Profiles to upload to Fleet</h3>
                  <p className="text-sm text-slate-500">Generated for this connection with the root CA and your team slug filled in. Certificates are valid {i.certValidityDays} days; challenges expire after {i.challengeTtlMinutes} minutes.</p>
                  <ul className="mt-2 grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
                    {profiles(i.id).map(([label, href]) => (
                      <li key={href}>
                        <a href={href} download className="flex items-center justify-between rounded-md px-3 py-2 text-sm ring-1 ring-slate-200 hover:bg-slate-50">
                          <span className="text-slate-700">{label}</span>
                          <span className="text-brand-600">Download</span>
                        </a>
                      </li>
                    ))}
                  </ul>
                </div>
                </>
                )}
              </div>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
