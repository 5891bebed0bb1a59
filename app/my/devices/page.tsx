import { ApprovalBadge, AssuranceBadge, LifecycleBadge } from '@/components/devices/device-badges';
import { CopyValue } from '@/components/integrations/secret-value';
import { EnrollDeviceForm } from '@/components/my-devices/enroll-device-form';
import { Alert } from '@/components/ui/alert';
import { Card, CardHeader, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, TBody, Td, Th, THead } from '@/components/ui/data-table';
import { formatRelative } from '@/lib/format';
import { api } from '@/server/api/caller';
import { publicBaseUrl } from '@/server/http/base-url';

export const metadata = { title: 'My devices' };
export const dynamic = 'force-dynamic';

export default async function MyDevicesPage() {
  const caller = await api();
  const [me, devices, info] = await Promise.all([caller.users.me(), caller.myDevices.list(), caller.myDevices.info()]);
  const server = publicBaseUrl();
  const agentCommand = info ? `npx tessera-agent enroll --server ${server} --team ${info.agent.teamSlug} --fingerprint ${info.agent.rootFingerprint}` : '';
  return (
    <>
      <PageHeader
        title="My devices"
        description={
          <>
            Signed in as <span className="font-medium text-slate-700">{me.email}</span>
            {me.signInMethod === 'entra' ? ' with Microsoft Entra ID' : ''}. Devices you enroll here are yours; only you and your team&apos;s administrators see them.
          </>
        }
      />
      <div className="space-y-6">
        <Card className="overflow-hidden">
          <CardHeader title="Your devices" description="Each device's approval and assurance. A device becomes high-assurance once the Tessera agent attests it." />
          {devices.length === 0 ? (
            <EmptyState title="No devices yet">
              {info?.canEnroll ? 'Enroll the computer or phone you use for work below.' : 'Devices your administrators assign to you appear here.'}
            </EmptyState>
          ) : (
            <Table>
              <THead>
                <Th>Device</Th>
                <Th>OS</Th>
                <Th>Status</Th>
                <Th>Enrolled</Th>
              </THead>
              <TBody>
                {devices.map((d) => (
                  <tr key={d.id}>
                    <Td>
                      <p className="font-medium text-slate-900">{d.label}</p>
                      {d.serial && <p className="font-mono text-xs text-slate-500">{d.serial}</p>}
                    </Td>
                    <Td className="text-slate-600">{d.os ?? '—'}</Td>
                    <Td>
                      <div className="flex flex-wrap gap-1.5">
                        <ApprovalBadge status={d.approvalStatus} />
                        <AssuranceBadge assurance={d.assurance} />
                        <LifecycleBadge status={d.lifecycleStatus} />
                      </div>
                    </Td>
                    <Td className="text-slate-500">{formatRelative(d.enrolledAt)}</Td>
                  </tr>
                ))}
              </TBody>
            </Table>
          )}
        </Card>
        <Card>
          <CardHeader
            title="Enroll a device"
            description={
              info?.requiresApproval
                ? 'An administrator approves new devices before they can get certificates.'
                : 'New devices are approved at once by your team’s policy.'
            }
          />
          {info?.canEnroll ? (
            <EnrollDeviceForm />
          ) : (
            <div className="p-5">
              <Alert tone="info">{info?.refusedReason ?? 'Self-enrollment is not available.'}</Alert>
            </div>
          )}
        </Card>
        {info && (info.canEnroll || devices.length > 0) && (
          <Card>
            <CardHeader
              title="Next step: attest with the Tessera agent"
              description="A device enrolled here is low-assurance: its serial number was typed in. Install the Tessera agent on it to prove its hardware identity."
            />
            <div className="space-y-3 p-5 text-sm text-slate-600">
              <p>On the device, run:</p>
              <CopyValue label="Agent enrollment command" value={agentCommand} testId="agent-command" />
              <p className="text-xs text-slate-500">
                The fingerprint is the SHA-256 of your team&apos;s root certificate: the agent checks it before trusting this server.
              </p>
            </div>
          </Card>
        )}
      </div>
    </>
  );
}
