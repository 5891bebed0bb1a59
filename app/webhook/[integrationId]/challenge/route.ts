import { handleFleetChallenge } from '@/server/http/fleet-challenge';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ integrationId: string }> };

export const POST = async (req: Request, { params }: Ctx) => handleFleetChallenge(req, (await params).integrationId);
