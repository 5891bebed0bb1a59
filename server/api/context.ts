import { getDb } from '@/server/db';
import { getUserFromHeaders } from '@/server/auth/current-user';
import { clientIp } from '@/server/auth/request-ip';
import type { Context } from './trpc';

export async function createContext(headers: Headers): Promise<Context> {
  const [db, user] = await Promise.all([getDb(), getUserFromHeaders(headers)]);
  return { db, user, ip: clientIp(headers) };
}
