// Typed business errors. Each adapter (tRPC, REST, SCIM, SCEP, CLI) maps them to its wire format once.
export type ServiceErrorCode = 'BAD_REQUEST' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'PRECONDITION_FAILED';

export class ServiceError extends Error {
  constructor(
    public code: ServiceErrorCode,
    message: string,
    public field?: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const notFound = (what: string) => new ServiceError('NOT_FOUND', `${what} not found`);
export const conflict = (msg: string, field?: string) => new ServiceError('CONFLICT', msg, field);
export const forbidden = (msg: string) => new ServiceError('FORBIDDEN', msg);
export const badRequest = (msg: string, field?: string) => new ServiceError('BAD_REQUEST', msg, field);

/** Postgres unique_violation, whichever driver raised it. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true;
  }
  return false;
}
