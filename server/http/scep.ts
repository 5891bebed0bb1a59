// SCEP transport (RFC 8894 §4): GetCACaps, GetCACert and PKIOperation by GET or POST, served at
// /scep/<integration id> and /scep/<integration id>/pkiclient.exe. Message handling is in
// server/services/scep; this adapter only parses HTTP and writes the answer.
import { eq, sql } from 'drizzle-orm';
import { getDb, type Db } from '@/server/db';
import { integrations, type Integration } from '@/server/db/schema';
import { publicBaseUrl } from './base-url';
import { caCapsResponse } from '@/lib/scep/ca-caps';
import { caCertResponse } from '@/lib/scep/ca-cert';
import { decodeScepMessage } from '@/lib/scep/normalize-base64';
import { ScepError } from '@/lib/scep/scep-error';
import { clientIp } from '@/server/auth/request-ip';
import { loadAuthority } from '@/server/services/pki/load-authority';
import { handlePkiOperation } from '@/server/services/scep/handle-pki-operation';
import { readBodyLimited } from './read-body';

// Prepared once per database (one round trip per request instead of describe + execute).
const integrationQueries = new WeakMap<Db, ReturnType<typeof prepareIntegrationQuery>>();
const prepareIntegrationQuery = (db: Db) =>
  db.select().from(integrations).where(eq(integrations.id, sql.placeholder('id'))).prepare('scep_integration_by_id');
function integrationById(db: Db) {
  let query = integrationQueries.get(db);
  if (!query) integrationQueries.set(db, (query = prepareIntegrationQuery(db)));
  return query;
}

const recentIntegrations = new WeakMap<Db, Map<string, Integration>>();
const RECENT_MAX = 1000;

function cachedIntegration(db: Db, id: string): Integration | undefined {
  return recentIntegrations.get(db)?.get(id);
}

function rememberIntegration(db: Db, id: string, row: Integration | undefined) {
  let rows = recentIntegrations.get(db);
  if (!rows) recentIntegrations.set(db, (rows = new Map()));
  rows.delete(id);
  if (!row) return;
  if (rows.size >= RECENT_MAX) rows.delete(rows.keys().next().value!);
  rows.set(id, row);
}

async function readIntegration(db: Db, id: string): Promise<Integration | undefined> {
  const [row] = await integrationById(db).execute({ id });
  const fleet = row && row.kind === 'fleet' ? row : undefined;
  rememberIntegration(db, id, fleet);
  return fleet;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_MESSAGE = 1024 * 1024;

const text = (status: number, body: string) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });

export async function handleScep(req: Request, integrationId: string): Promise<Response> {
  try {
    if (!UUID.test(integrationId)) return text(404, 'No SCEP endpoint here');
    const db = await getDb();
    const url = new URL(req.url);
    const operation = url.searchParams.get('operation');
    // PKIOperation may start from this process's copy of the row: the enrollment's own statement
    // checks the row's version and says when the copy is stale. The other operations read it.
    let integration = operation === 'PKIOperation' ? cachedIntegration(db, integrationId) : undefined;
    integration ??= await readIntegration(db, integrationId);
    if (!integration) return text(404, 'No SCEP endpoint here');
    if (req.method !== 'GET' && req.method !== 'POST') return text(405, 'Use GET or POST');

    if (operation === 'GetCACaps') {
      const caps = caCapsResponse({ renewal: true });
      return new Response(caps.body, { headers: { 'content-type': caps.contentType } });
    }
    if (operation === 'GetCACert') {
      const auth = await loadAuthority(db);
      const { body, contentType } = caCertResponse([auth.ra.der, auth.intermediate.der, auth.root.der]);
      return new Response(new Uint8Array(body), { headers: { 'content-type': contentType } });
    }
    if (operation !== 'PKIOperation') {
      return text(400, `Unsupported operation "${(operation ?? '').slice(0, 40)}"; use GetCACaps, GetCACert or PKIOperation`);
    }

    let message: Uint8Array | null;
    if (req.method === 'POST') {
      message = await readBodyLimited(req, MAX_MESSAGE);
      if (message === null) return text(413, 'The message is larger than 1 MiB');
    } else {
      const param = url.searchParams.get('message');
      if (!param) return text(400, 'PKIOperation by GET needs a message parameter');
      if (param.length > MAX_MESSAGE * 2) return text(413, 'The message is larger than 1 MiB');
      try {
        message = decodeScepMessage(param);
      } catch {
        return text(400, 'The message parameter is not base64');
      }
    }
    if (!message.length) return text(400, 'The PKIOperation message is empty');
    const scepContext = { crlUrl: `${publicBaseUrl(req)}/pki/agents/crl`, ip: clientIp(req.headers) };
    let outcome = await handlePkiOperation(db, integration, message, scepContext);
    if ('staleIntegration' in outcome) {
      integration = await readIntegration(db, integrationId);
      if (!integration) return text(404, 'No SCEP endpoint here');
      outcome = await handlePkiOperation(db, integration, message, scepContext);
      if ('staleIntegration' in outcome) return text(503, 'The SCEP endpoint is being reconfigured; try again');
    }
    if ('httpStatus' in outcome && outcome.httpStatus === 404) rememberIntegration(db, integrationId, undefined);
    if ('httpStatus' in outcome) return text(outcome.httpStatus, outcome.message);
    return new Response(new Uint8Array(outcome.reply), { headers: { 'content-type': 'application/x-pki-message' } });
  } catch (err) {
    if (err instanceof ScepError) return text(400, 'The SCEP message could not be read');
    console.error('[scep] request failed:', err);
    return text(500, 'Internal error');
  }
}
