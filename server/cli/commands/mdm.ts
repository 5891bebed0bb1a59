// MDM connection commands: `jamf add`, `mdm list`, `mdm sync`, `mdm status`.
import { eq, sql } from 'drizzle-orm';
import { getDbHandle } from '@/server/db';
import { integrations } from '@/server/db/schema';
import { cliActor } from '@/server/services/actor';
import { createJamfIntegration } from '@/server/services/integrations/create-jamf-integration';
import { listIntegrations } from '@/server/services/integrations/list-integrations';
import { syncStatus } from '@/server/services/integrations/manage-integration';
import { syncIntegration } from '@/server/jobs/mdm-sync';
import { publicBaseUrl } from '@/server/http/base-url';
import { CliError, required, type Command, type Io } from '../framework';

const db = async () => (await getDbHandle()).db;

async function byName(name: string) {
  const [row] = await (await db()).select().from(integrations).where(eq(sql`lower(${integrations.name})`, name.toLowerCase()));
  if (!row) throw new CliError(`No MDM connection named "${name}" (see \`tessera mdm list\`)`);
  return row;
}

/** Runs a sync to the end in this process, printing progress to stderr. */
export async function syncAndWait(integrationId: string, trigger: 'cli' | 'connect', io: Io) {
  const handle = await db();
  const r = await syncIntegration(handle, integrationId, {
    trigger,
    afterPage: (run) => io.err(`  … ${run.fetched.toLocaleString('en-US')} devices fetched (${run.phase}, page ${run.nextPage})`),
  });
  if (r.status === 'busy') throw new CliError('A sync of this connection is already running elsewhere; try `tessera mdm status` later');
  return r.run;
}

const runSummary = (run: { status: string; fetched: number; added: number; updated: number; unchanged: number; removed: number; error: string | null } | null | undefined) =>
  run ? `${run.status}: ${run.fetched} fetched, ${run.added} added, ${run.updated} updated, ${run.unchanged} unchanged, ${run.removed} removed${run.error ? ` (${run.error})` : ''}` : 'never run';

export const mdmCommands: Command[] = [
  {
    name: 'jamf add',
    summary: 'Connect Jamf Pro with an API client (OAuth) and run the first sync unless --no-sync',
    usage: 'tessera jamf add --url URL --client-id ID --client-secret-stdin [--name N] [--no-sync] [--json]',
    flags: { url: { type: 'string' }, 'client-id': { type: 'string' }, 'client-secret-stdin': { type: 'boolean' }, name: { type: 'string' }, 'no-sync': { type: 'boolean' } },
    async run(a, io) {
      if (!a['client-secret-stdin']) throw new CliError('--client-secret-stdin is required (the secret is read from standard input)');
      const row = await createJamfIntegration(await db(), cliActor(), {
        authMethod: 'client_credentials',
        name: (a.name as string | undefined) ?? 'Jamf Pro',
        url: required(a, 'url'),
        clientId: required(a, 'client-id'),
        clientSecret: await io.readStdin(),
      });
      const run = a['no-sync'] ? null : await syncAndWait(row.id, 'connect', io);
      return { id: row.id, name: row.name, firstSync: run };
    },
    print: (r, io) => {
      const x = r as { name: string; firstSync: Parameters<typeof runSummary>[0] };
      io.out(`Jamf Pro connection "${x.name}" saved. First sync: ${x.firstSync ? runSummary(x.firstSync) : 'skipped (--no-sync)'}.`);
    },
  },
  {
    name: 'mdm list',
    summary: 'List MDM connections with their last sync',
    usage: 'tessera mdm list [--json]',
    flags: {},
    async run() {
      const handle = await db();
      const list = await listIntegrations(handle, publicBaseUrl());
      return Promise.all(list.map(async (i) => ({ ...i, lastRun: (await syncStatus(handle, i.id)).history[0] ?? null })));
    },
    print: (r, io) => {
      const list = r as { name: string; kind: string; url: string | null; lastRun: Parameters<typeof runSummary>[0] }[];
      if (!list.length) return io.out('No MDM connections. Add one with `tessera fleet add` or `tessera jamf add`.');
      for (const i of list) io.out(`${i.name.padEnd(24)} ${i.kind.padEnd(6)} ${i.url ?? ''}\n  last sync: ${runSummary(i.lastRun)}`);
    },
  },
  {
    name: 'mdm sync',
    summary: 'Sync one connection now (--wait to run it to the end here)',
    usage: 'tessera mdm sync --name N [--wait] [--json]',
    flags: { name: { type: 'string' }, wait: { type: 'boolean' } },
    async run(a, io) {
      const row = await byName(required(a, 'name'));
      if (!a.wait) {
        // Without --wait the server's scheduler picks it up at its next tick (within a minute).
        await (await db()).update(integrations).set({ nextSyncAt: new Date() }).where(eq(integrations.id, row.id));
        return { name: row.name, queued: true };
      }
      const run = await syncAndWait(row.id, 'cli', io);
      if (run.status === 'failed') throw new CliError(`Sync failed: ${run.error}`);
      return { name: row.name, run };
    },
    print: (r, io) => {
      const x = r as { name: string; queued?: boolean; run?: Parameters<typeof runSummary>[0] };
      io.out(x.queued ? `Sync of "${x.name}" queued; the server starts it within a minute (\`tessera mdm status --name "${x.name}"\`).` : `"${x.name}" ${runSummary(x.run)}`);
    },
  },
  {
    name: 'mdm status',
    summary: 'Show the state, progress, counts and last error of a connection\'s sync',
    usage: 'tessera mdm status --name N [--json]',
    flags: { name: { type: 'string' } },
    async run(a) {
      const row = await byName(required(a, 'name'));
      return syncStatus(await db(), row.id);
    },
    print: (r, io) => {
      const s = r as Awaited<ReturnType<typeof syncStatus>>;
      io.out(`${s.integration.name} (${s.integration.kind}), every ${s.integration.syncIntervalMinutes} min, next ${s.integration.nextSyncAt?.toISOString() ?? 'as soon as possible'}`);
      io.out(`  current:      ${s.current ? `running, ${s.current.fetched} fetched (${s.current.phase} page ${s.current.nextPage})` : 'idle'}`);
      io.out(`  last success: ${runSummary(s.lastSuccess)}`);
      if (s.lastError) io.out(`  last error:   ${s.lastError.errorKind}: ${s.lastError.error}`);
    },
  },
];
