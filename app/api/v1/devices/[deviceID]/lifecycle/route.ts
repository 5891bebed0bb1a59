import { patchLifecycleRoute } from '@/server/http/rest/devices';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ deviceID: string }> };

export const PATCH = async (req: Request, { params }: Ctx) => patchLifecycleRoute(req, (await params).deviceID);
