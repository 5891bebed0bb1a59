import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { AuthShell } from '@/components/auth/auth-shell';
import { SignInForm } from '@/components/auth/sign-in-form';
import { api } from '@/server/api/caller';
import { getCurrentUser } from '@/server/auth/current-user';
import { getDb } from '@/server/db';
import { getEntraIdp } from '@/server/services/identity/get-entra-idp';
import { getTeam } from '@/server/services/team/get-team';

export const metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function SignInPage() {
  const { setUp } = await (await api()).setup.status();
  if (!setUp) redirect('/setup');
  if (await getCurrentUser()) redirect('/');
  const db = await getDb();
  const [idp, team] = await Promise.all([getEntraIdp(db), getTeam(db)]);
  return (
    <AuthShell title="Sign in to Tessera">
      <Suspense>
        <SignInForm entra={!!idp} password={team?.passwordSignInEnabled ?? true} />
      </Suspense>
    </AuthShell>
  );
}
