import { handleAcme } from '@/server/http/acme';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ path: string[] }> };
const handler = async (req: Request, { params }: Ctx) => handleAcme(req, (await params).path);

export { handler as GET, handler as HEAD, handler as POST };
