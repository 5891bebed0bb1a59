// Tessera's SCIM route handler (app/scim/v2/[...path]/route.ts, the production entry point)
// served over HTTP on 127.0.0.1 by node:http in a process of its own, for bench/scim.ts. The
// database comes from DATABASE_URL (the parent created and migrated it); the pool is opened here
// the way server/db/client.ts opens it, and counted: every statement drizzle sends, BEGIN/COMMIT
// and SAVEPOINT/RELEASE included, which GET /__bench/stats reports (not postgres-js's `debug`
// hook: it captures a stack trace per query, which would slow the server down).
// Prints one JSON line with the URL; exits with its parent.
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import * as scimRoute from '@/app/scim/v2/[...path]/route';
import { useDatabase, type Db } from '@/server/db';
import * as schema from '@/server/db/schema';
import type { Route } from '@/tests/helpers/http-server';
import { serveAsBenchChild } from './child-server';

let statements = 0;
let requests = 0;

// Next.js hands the handler the decoded path segments after /scim/v2/.
const scimHandler =
  (method: keyof typeof scimRoute & ('GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE')) =>
  (req: Request, ctx: { params: Promise<{ rest: string }> }) => {
    requests++;
    return (async () => {
      const { rest } = await ctx.params;
      const segments = rest.split('/').filter(Boolean).map(decodeURIComponent);
      return scimRoute[method](req, { params: Promise.resolve({ path: segments }) });
    })();
  };

export const tesseraScimRoutes: Route[] = [
  {
    pattern: /^\/scim\/v2\/(?<rest>.*)$/,
    methods: { GET: scimHandler('GET'), POST: scimHandler('POST'), PUT: scimHandler('PUT'), PATCH: scimHandler('PATCH'), DELETE: scimHandler('DELETE') },
  },
  { pattern: /^\/__bench\/stats$/, methods: { GET: () => Response.json({ statements, requests }) } },
];

// drizzle's postgres-js session sends every statement through unsafe(), transactions through
// begin() and nested ones through savepoint(); each of the latter adds two statements.
function counted(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'unsafe') return (...args: unknown[]) => (statements++, (value as (...a: unknown[]) => unknown).apply(target, args));
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          statements += 2;
          const fn = args.pop() as (tx: postgres.Sql) => unknown;
          return (value as (...a: unknown[]) => unknown).apply(target, [...args, (tx: postgres.Sql) => fn(counted(tx))]);
        };
      }
      return value;
    },
  });
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const client = postgres(url, {
    max: Number(process.env.DATABASE_POOL_MAX ?? 10),
    onnotice: () => {},
    connection: { application_name: 'tessera' },
  });
  useDatabase({ db: drizzle(counted(client), { schema }) as unknown as Db, kind: 'postgres', close: () => client.end({ timeout: 5 }) });
  await client`select 1`; // connect before the first request
  await serveAsBenchChild({ name: 'scim', routes: tesseraScimRoutes, close: () => client.end({ timeout: 2 }) });
}

if (process.argv[1]?.endsWith('scim-tessera-server.ts')) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
