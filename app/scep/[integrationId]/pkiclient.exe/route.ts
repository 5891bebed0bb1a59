import { handleScep } from '@/server/http/scep';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ integrationId: string }> };
const handler = async (req: Request, { params }: Ctx) => handleScep(req, (await params).integrationId);

export { handler as GET, handler as POST };
