import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/server/auth/current-user';

export const metadata = { title: 'No console access' };
export const dynamic = 'force-dynamic';

// Kept for old links and bookmarks: people without console rights now land on "My devices".
export default async function NoAccessPage() {
  const user = await getCurrentUser();
  if (!user) redirect('/signin');
  redirect(user.role === 'user' ? '/my/devices' : '/');
}
