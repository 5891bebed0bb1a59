import { deleteDeviceRoute, getDeviceRoute, patchDeviceRoute } from '@/server/http/rest/devices';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ deviceID: string }> };

export const GET = async (req: Request, { params }: Ctx) => getDeviceRoute(req, (await params).deviceID);
export const PATCH = async (req: Request, { params }: Ctx) => patchDeviceRoute(req, (await params).deviceID);
export const DELETE = async (req: Request, { params }: Ctx) => deleteDeviceRoute(req, (await params).deviceID);
