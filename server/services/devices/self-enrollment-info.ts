// What "My devices" tells a person about enrolling: whether they may (and as which source), whether
// a new device waits for approval, and the values the Tessera agent needs to attest it.
import type { Db } from '@/server/db';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { getTeam } from '../team/get-team';
import { ensureAuthority } from '../pki/load-authority';
import type { SignInMethod } from '../users/get-session-user';
import { selfEnrollmentKind } from './enroll-own-device';

export async function selfEnrollmentInfo(db: Db, signInMethod: SignInMethod | undefined) {
  const team = await getTeam(db);
  if (!team) return null;
  const decision = selfEnrollmentKind(team, signInMethod);
  const root = await ensureAuthority(db);
  return {
    teamName: team.name,
    teamSlug: team.slug,
    signInMethod: signInMethod ?? 'password',
    canEnroll: 'kind' in decision,
    refusedReason: 'refused' in decision ? decision.refused : null,
    source: 'kind' in decision ? decision.kind : null,
    requiresApproval: team.requireApprovalSelfEnrolled,
    agent: { teamSlug: team.slug, rootFingerprint: certificateFingerprint(root.rootCertPem).hex },
  };
}
