// The process-wide database: opened and migrated once, shared by every route, job and CLI command.
// Kept on globalThis because Next.js may evaluate this module in more than one bundle layer.
import { env } from '@/lib/env';
import { migrateDatabase, openDatabase, type Db, type DbHandle } from './client';

export type { Db } from './client';
export * as schema from './schema';

type Holder = { handle?: Promise<DbHandle>; override?: DbHandle };
const g = globalThis as unknown as { __tesseraDb?: Holder };
const holder: Holder = (g.__tesseraDb ??= {});

export async function getDbHandle(): Promise<DbHandle> {
  if (holder.override) return holder.override;
  holder.handle ??= (async () => {
    const e = env();
    const handle = e.DATABASE_URL
      ? await openDatabase({ url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX })
      : await openDatabase({ dataDir: e.dataDir });
    await migrateDatabase(handle);
    return handle;
  })();
  try {
    return await holder.handle;
  } catch (err) {
    holder.handle = undefined; // let the next request try again (e.g. the database came up)
    throw err;
  }
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/** Tests and the CLI point the process at a database they opened themselves. */
export function useDatabase(handle: DbHandle | undefined) {
  holder.override = handle;
}

export async function closeDb() {
  const h = holder.handle;
  holder.handle = undefined;
  if (h) await (await h).close();
}
