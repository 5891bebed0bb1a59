import { handleAkChallenge } from '@/server/http/attestation';

export const dynamic = 'force-dynamic';

export const POST = (req: Request) => handleAkChallenge(req);
