import { redirect } from 'next/navigation';
import { AuthShell } from '@/components/auth/auth-shell';
import { SetupForm } from '@/components/auth/setup-form';
import { api } from '@/server/api/caller';

export const metadata = { title: 'Set up' };
export const dynamic = 'force-dynamic';

export default async function SetupPage() {
  const { setUp } = await (await api()).setup.status();
  if (setUp) redirect('/signin');
  return (
    <AuthShell title="Set up Tessera" subtitle="Create your team and its first Owner. You can invite admins afterwards.">
      <SetupForm />
    </AuthShell>
  );
}
