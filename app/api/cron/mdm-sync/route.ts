import { handleCronMdmSync } from '@/server/http/cron';

export const dynamic = 'force-dynamic';
export const maxDuration = 60;
export const GET = handleCronMdmSync;
export const POST = handleCronMdmSync;
