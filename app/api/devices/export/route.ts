import { handleDevicesExport } from '@/server/http/devices-export';

export const dynamic = 'force-dynamic';
export const GET = handleDevicesExport;
