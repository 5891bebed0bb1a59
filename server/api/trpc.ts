// tRPC initialisation: the request context and the procedure builders that enforce roles in one
// place. Every procedure is built from one of these; the authorization matrix test checks them all.
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import type { Db } from '@/server/db';
import type { SessionUser } from '@/server/services/users/get-session-user';
import { ServiceError } from '@/server/services/errors';
import type { Actor } from '@/server/services/actor';

export interface Context {
  db: Db;
  user: SessionUser | null;
  ip: string | null;
}

const codeFor: Record<ServiceError['code'], TRPCError['code']> = {
  BAD_REQUEST: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
};

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    return {
      ...shape,
      message: internal ? 'Something went wrong on the server. The error was logged.' : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        field: error.cause instanceof ServiceError ? error.cause.field : undefined,
        fieldErrors: zod
          ? Object.fromEntries(zod.issues.map((i) => [i.path.join('.'), i.message]))
          : undefined,
      },
    };
  },
});

// Business errors become typed tRPC errors; anything else is logged and hidden from the client.
const mapErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof ServiceError) {
      result.error = new TRPCError({ code: codeFor[cause.code], message: cause.message, cause });
    } else if (result.error.code === 'INTERNAL_SERVER_ERROR') {
      console.error(`[trpc] ${path} failed:`, cause ?? result.error);
    }
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(mapErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' });
  const actor: Actor = { type: 'user', id: ctx.user.id, label: ctx.user.email, role: ctx.user.role, ip: ctx.ip };
  return next({ ctx: { ...ctx, user: ctx.user, actor } });
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin' && ctx.user.role !== 'owner') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only Admins and Owners can do this' });
  }
  return next();
});

export const ownerProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'owner') throw new TRPCError({ code: 'FORBIDDEN', message: 'Only Owners can do this' });
  return next();
});
