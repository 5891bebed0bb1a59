import { redirect } from 'next/navigation';
import { Sidebar } from '@/components/shell/sidebar';
import { getCurrentUser } from '@/server/auth/current-user';
import { getDb } from '@/server/db';
import { getTeam } from '@/server/services/team/get-team';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const team = await getTeam(await getDb());
  if (!team) redirect('/setup');
  const user = await getCurrentUser();
  if (!user) redirect('/signin');
  // People without console rights have their own page: the devices they enrolled.
  if (user.role === 'user') redirect('/my/devices');
  return (
    <div className="min-h-screen">
      <Sidebar teamName={team.name} user={user} />
      <main className="lg:pl-64">
        <div className="mx-auto max-w-7xl px-4 py-8 sm:px-6 lg:px-8">{children}</div>
      </main>
    </div>
  );
}
