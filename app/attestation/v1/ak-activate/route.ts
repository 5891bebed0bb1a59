import { handleAkActivate } from '@/server/http/attestation';

export const dynamic = 'force-dynamic';

export const POST = (req: Request) => handleAkActivate(req);
