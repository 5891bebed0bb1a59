import { redirect } from 'next/navigation';
import { AuthShell } from '@/components/auth/auth-shell';
import { SignOutButton } from '@/components/shell/sign-out-button';
import { getCurrentUser } from '@/server/auth/current-user';

export const metadata = { title: 'No console access' };
export const dynamic = 'force-dynamic';

export default async function NoAccessPage() {
  const user = await getCurrentUser();
  if (!user) redirect('/signin');
  if (user.role !== 'user') redirect('/');
  return (
    <AuthShell title="No console access" subtitle={`You are signed in as ${user.email}.`}>
      <p className="mb-4 text-sm text-slate-600">
        The Tessera console is for your team&apos;s Owners and Admins. Ask an administrator of your team if you need access.
      </p>
      <SignOutButton />
    </AuthShell>
  );
}
