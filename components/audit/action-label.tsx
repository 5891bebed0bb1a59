import { Badge } from '@/components/ui/badge';

const tone = (action: string) =>
  action.endsWith('.failed') || action.endsWith('.refused') || action.includes('deactivate') || action.includes('revoke')
    ? 'red'
    : action === 'device.attest'
      ? 'violet'
      : action.startsWith('auth.')
        ? 'gray'
        : action.endsWith('.create') || action === 'team.setup'
          ? 'green'
          : 'blue';

export function ActionBadge({ action }: { action: string }) {
  return <Badge tone={tone(action)}>{action}</Badge>;
}
