import { handleProfileDownload } from '@/server/http/profiles';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ id: string; kind: string }> };

export const GET = async (req: Request, { params }: Ctx) => {
  const p = await params;
  return handleProfileDownload(req, p.id, p.kind);
};
