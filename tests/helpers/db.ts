// A fresh, migrated database for a test file: a new database on the PostgreSQL server named by
// TEST_DATABASE_URL (dropped afterwards), or an in-memory PGlite when it is not set.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { migrateDatabase, openDatabase, type DbHandle } from '@/server/db/client';
import { useDatabase } from '@/server/db';

export const usingPostgres = !!process.env.TEST_DATABASE_URL;

export interface TestDb extends DbHandle {
  url?: string;
  destroy(): Promise<void>;
}

export async function createTestDb(): Promise<TestDb> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const handle = await openDatabase({ memory: true });
    await migrateDatabase(handle);
    return { ...handle, destroy: () => handle.close() };
  }
  const name = `tessera_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), poolMax: 10 });
  await migrateDatabase(handle);
  return {
    ...handle,
    url: url.toString(),
    destroy: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Opens a fresh database and makes it the process's database (for route handlers and the CLI). */
export async function installTestDb(): Promise<TestDb> {
  const db = await createTestDb();
  useDatabase(db);
  return db;
}
