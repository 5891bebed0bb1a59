import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Logo } from '@/components/logo';
import { SignOutButton } from '@/components/shell/sign-out-button';
import { getCurrentUser } from '@/server/auth/current-user';
import { getDb } from '@/server/db';
import { getTeam } from '@/server/services/team/get-team';

export const dynamic = 'force-dynamic';

// The self-service area every signed-in person reaches, outside the admin console's role guard.
export default async function MyLayout({ children }: { children: React.ReactNode }) {
  const team = await getTeam(await getDb());
  if (!team) redirect('/setup');
  const user = await getCurrentUser();
  if (!user) redirect('/signin?next=/my/devices');
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-6">
          <div className="flex items-center gap-2.5">
            <Logo className="size-8" />
            <div className="min-w-0">
              <p className="truncate text-sm font-semibold text-slate-900">{team.name}</p>
              <p className="text-xs text-slate-500">Tessera</p>
            </div>
          </div>
          <div className="flex items-center gap-4">
            {user.role !== 'user' && (
              <Link href="/" className="text-sm font-medium text-brand-600 hover:text-brand-700">
                Admin console →
              </Link>
            )}
            <div className="hidden text-right sm:block">
              <p className="text-sm font-medium text-slate-900">{user.name || user.email}</p>
              {user.name && <p className="text-xs text-slate-500">{user.email}</p>}
            </div>
            <div className="w-24">
              <SignOutButton />
            </div>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-5xl px-4 py-8 sm:px-6">{children}</main>
    </div>
  );
}
