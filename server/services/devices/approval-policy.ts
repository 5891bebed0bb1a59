// Which sources need an admin's approval: API adds are approved; self-enrolled and MDM-synced
// devices wait unless the team turned that off (team settings).
import type { SourceKind, Team } from '@/server/db/schema';

export function initialApproval(team: Pick<Team, 'requireApprovalSelfEnrolled' | 'requireApprovalMdm'>, kind: SourceKind) {
  switch (kind) {
    case 'api':
      return 'approved' as const;
    case 'fleet':
    case 'jamf':
      return team.requireApprovalMdm ? ('pending' as const) : ('approved' as const);
    default:
      return team.requireApprovalSelfEnrolled ? ('pending' as const) : ('approved' as const);
  }
}

/** The check the certificate issuers (SCEP, ACME) call before issuing to a device. */
export function mayReceiveCertificates(device: { approvalStatus: string; lifecycleStatus: string }): boolean {
  return device.approvalStatus === 'approved' && device.lifecycleStatus === 'active';
}
