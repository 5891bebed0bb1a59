import { createDeviceRoute, listDevicesRoute } from '@/server/http/rest/devices';

export const dynamic = 'force-dynamic';
export const GET = listDevicesRoute;
export const POST = createDeviceRoute;
