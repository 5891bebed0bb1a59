import Link from 'next/link';
import { AuthShell } from '@/components/auth/auth-shell';
import { AcceptInvitationForm } from '@/components/auth/accept-invitation-form';
import { api } from '@/server/api/caller';

// The token is the credential: keep it out of Referer headers sent to anything the page links to.
export const metadata = { title: 'Accept invitation', referrer: 'no-referrer' as const };
export const dynamic = 'force-dynamic';

const dead = {
  invalid: ['This invitation link is not valid', 'Check that you opened the whole link from the message you received. If it still does not work, ask your administrator for a new invitation.'],
  expired: ['This invitation has expired', 'Invitations work for 7 days. Ask your administrator to invite you again.'],
  revoked: ['This invitation was withdrawn', 'Your administrator revoked it. Ask them for a new invitation if you still need access.'],
  accepted: ['This invitation has already been used', 'An account was created with it. Sign in with the email address and password you chose.'],
} as const;

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const found = token.length <= 200 ? await (await api()).invitations.lookup({ token }) : ({ state: 'invalid' } as const);
  if (found.state !== 'pending') {
    const [title, text] = dead[found.state];
    return (
      <AuthShell title={title}>
        <p className="text-sm text-slate-600">{text}</p>
        <Link href="/signin" className="mt-6 inline-flex text-sm font-medium text-brand-600 hover:text-brand-700">
          Go to sign-in →
        </Link>
      </AuthShell>
    );
  }
  if (!found.passwordSignIn) {
    return (
      <AuthShell title={`Join ${found.teamName}`} subtitle={`Invitation for ${found.email}`}>
        <p className="text-sm text-slate-600">
          Your team now signs in with Microsoft Entra ID only, so this invitation cannot be accepted with a password. Ask your administrator to give you access
          through Entra ID.
        </p>
        <Link href="/signin" className="mt-6 inline-flex text-sm font-medium text-brand-600 hover:text-brand-700">
          Go to sign-in →
        </Link>
      </AuthShell>
    );
  }
  return (
    <AuthShell
      title={`Join ${found.teamName} on Tessera`}
      subtitle="Choose a password for your account. You can then enroll the devices you use for work."
    >
      <AcceptInvitationForm token={token} email={found.email} name={found.name} expiresAt={found.expiresAt.toISOString()} />
    </AuthShell>
  );
}
