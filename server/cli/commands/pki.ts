// PKI and Fleet commands: `ca show`, `fleet add`.
import { getDbHandle } from '@/server/db';
import { cliActor } from '@/server/services/actor';
import { createFleetIntegration } from '@/server/services/integrations/create-fleet-integration';
import { listIntegrations } from '@/server/services/integrations/list-integrations';
import { authoritySummary } from '@/server/services/pki/authority-summary';
import { publicBaseUrl } from '@/server/http/base-url';
import { required, type Command } from '../framework';

const db = async () => (await getDbHandle()).db;

export const pkiCommands: Command[] = [
  {
    name: 'ca show',
    summary: 'Show the Agents authority: root PEM, SHA-256 fingerprints and SCEP endpoints',
    usage: 'tessera ca show [--json]',
    flags: {},
    async run() {
      const base = publicBaseUrl();
      const a = await authoritySummary(await db(), base);
      const scep = (await listIntegrations(await db(), base)).filter((i) => i.kind === 'fleet');
      return {
        rootPem: a.root.pem,
        rootSha256: a.root.sha256,
        intermediateSha256: a.intermediate.sha256,
        raSha256: a.ra.sha256,
        crlUrl: a.crl.url,
        scepEndpoints: scep.map((i) => ({ name: i.name, scepUrl: i.scepUrl, challengeUrl: i.challengeUrl })),
      };
    },
    print: (r, io) => {
      const s = r as { rootPem: string; rootSha256: string; raSha256: string; crlUrl: string; scepEndpoints: { name: string; scepUrl: string; challengeUrl: string }[] };
      io.out(s.rootPem.trimEnd());
      io.out(`Root SHA-256:   ${s.rootSha256}`);
      io.out(`SCEP RA SHA-256: ${s.raSha256}`);
      io.out(`CRL:            ${s.crlUrl}`);
      if (!s.scepEndpoints.length) io.out('SCEP endpoints: none yet (connect Fleet with `tessera fleet add`)');
      for (const e of s.scepEndpoints) io.out(`SCEP (${e.name}): ${e.scepUrl}\n  challenge URL: ${e.challengeUrl}`);
    },
  },
  {
    name: 'fleet add',
    summary: 'Connect a Fleet server; prints the SCEP URL, challenge URL, username and password once',
    usage: 'tessera fleet add --url URL --token-stdin [--name NAME] [--ca-name NAME] [--no-sync] [--json]',
    flags: { url: { type: 'string' }, name: { type: 'string' }, 'ca-name': { type: 'string' }, 'token-stdin': { type: 'boolean' }, 'no-sync': { type: 'boolean' } },
    async run(a, io) {
      if (!a['token-stdin']) throw new Error('--token-stdin is required (the Fleet API token is read from standard input)');
      const r = await createFleetIntegration(await db(), cliActor(), {
        name: (a.name as string | undefined) ?? 'Fleet',
        url: required(a, 'url'),
        apiToken: await io.readStdin(),
        caName: (a['ca-name'] as string | undefined) ?? undefined,
      });
      const base = publicBaseUrl();
      const { syncAndWait } = await import('./mdm');
      const firstSync = a['no-sync'] ? null : await syncAndWait(r.integration.id, 'connect', io);
      return {
        firstSync,
        id: r.integration.id,
        name: r.integration.name,
        caName: r.integration.caName,
        scepUrl: `${base}/scep/${r.integration.id}`,
        challengeUrl: `${base}/webhook/${r.integration.id}/challenge`,
        challengeUsername: r.challengeUsername,
        challengePassword: r.challengePassword,
      };
    },
    print: (r, io) => {
      const s = r as Record<string, string>;
      io.out(`Fleet connection "${s.name}" saved. Enter these in Fleet (Settings → Integrations → Certificate authorities → Smallstep):`);
      io.out(`  Name:               ${s.caName}`);
      io.out(`  SCEP URL:           ${s.scepUrl}`);
      io.out(`  Challenge URL:      ${s.challengeUrl}`);
      io.out(`  Challenge username: ${s.challengeUsername}`);
      io.out(`  Challenge password: ${s.challengePassword}   (shown only now)`);
      const run = (r as { firstSync: { status: string; fetched: number; error: string | null } | null }).firstSync;
      io.out(run ? `First inventory sync ${run.status}: ${run.fetched} devices${run.error ? ` (${run.error})` : ''}.` : 'Inventory sync not started (--no-sync); the server syncs on schedule.');
    },
  },
];
