import { Badge } from '@/components/ui/badge';

export function ApprovalBadge({ status }: { status: string }) {
  if (status === 'approved') return <Badge tone="green">Approved</Badge>;
  if (status === 'rejected') return <Badge tone="red">Rejected</Badge>;
  return <Badge tone="amber">Pending approval</Badge>;
}

export function AssuranceBadge({ assurance }: { assurance: string }) {
  return assurance === 'high' ? <Badge tone="violet">High assurance</Badge> : <Badge tone="gray">Low assurance</Badge>;
}

export function LifecycleBadge({ status }: { status: string }) {
  if (status === 'active') return null;
  return <Badge tone={status === 'quarantined' ? 'red' : 'gray'}>{status === 'quarantined' ? 'Quarantined' : 'Deleted'}</Badge>;
}

const sourceLabels: Record<string, string> = {
  manual: 'Manual',
  idp: 'SSO self-enrollment',
  api: 'API',
  agent: 'Agent',
  fleet: 'Fleet',
  jamf: 'Jamf Pro',
};

export const sourceLabel = (k: string) => sourceLabels[k] ?? k;

export function SourceBadges({ kinds }: { kinds: string[] }) {
  return (
    <span className="flex flex-wrap gap-1">
      {kinds.map((k) => (
        <Badge key={k} tone="blue">
          {sourceLabel(k)}
        </Badge>
      ))}
    </span>
  );
}
