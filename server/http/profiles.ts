// Profile downloads for a Fleet connection, for signed-in Owners and Admins.
import { getDb } from '@/server/db';
import { getUserFromHeaders } from '@/server/auth/current-user';
import { ServiceError } from '@/server/services/errors';
import { generateProfile } from '@/server/services/integrations/generate-profile';
import { publicBaseUrl } from './base-url';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function handleProfileDownload(req: Request, integrationId: string, kind: string): Promise<Response> {
  const user = await getUserFromHeaders(req.headers);
  if (!user) return Response.json({ message: 'Sign in first' }, { status: 401 });
  if (user.role === 'user') return Response.json({ message: 'Only Admins and Owners can download profiles' }, { status: 403 });
  if (!UUID.test(integrationId)) return Response.json({ message: 'Fleet connection not found' }, { status: 404 });
  try {
    const file = await generateProfile(await getDb(), integrationId, kind, publicBaseUrl(req));
    return new Response(file.body, {
      headers: {
        'content-type': `${file.contentType}; charset=utf-8`,
        'content-disposition': `attachment; filename="${file.fileName}"`,
        'cache-control': 'no-store',
      },
    });
  } catch (err) {
    if (err instanceof ServiceError) return Response.json({ message: err.message }, { status: err.code === 'NOT_FOUND' ? 404 : 400 });
    throw err;
  }
}
