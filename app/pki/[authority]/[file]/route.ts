import { handlePkiFile } from '@/server/http/pki-files';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ authority: string; file: string }> };

export const GET = async (req: Request, { params }: Ctx) => {
  const p = await params;
  return handlePkiFile(req, p.authority, p.file);
};
