// Server components call the same routers through a caller, so pages and the browser share one
// set of rules.
import { cache } from 'react';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { createCallerFactory } from './trpc';
import { appRouter } from './root';
import { createContext } from './context';

const factory = createCallerFactory(appRouter);

export const api = cache(async () => factory(await createContext(await headers())));

/**
 * For console pages: Next renders a page alongside its layout, so the page itself sends anonymous
 * visitors to sign in and plain users to "My devices" instead of failing a procedure.
 */
export const consoleApi = cache(async () => {
  const ctx = await createContext(await headers());
  if (!ctx.user) redirect('/signin');
  if (ctx.user.role === 'user') redirect('/my/devices');
  return factory(ctx);
});
