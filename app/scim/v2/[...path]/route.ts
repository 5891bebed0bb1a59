import { handleScim } from '@/server/http/scim';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ path: string[] }> };
const handler = async (req: Request, { params }: Ctx) => handleScim(req, (await params).path);

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
