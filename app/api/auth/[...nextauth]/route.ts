import NextAuth from 'next-auth';
import { authOptionsForRequest } from '@/server/auth/options';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ nextauth: string[] }> };

// Options are built per request (they read the installation secret and the stored Entra ID
// settings), not at import time.
async function handler(req: Request, ctx: Ctx) {
  return NextAuth(await authOptionsForRequest(req.headers))(req, ctx);
}

export { handler as GET, handler as POST };
