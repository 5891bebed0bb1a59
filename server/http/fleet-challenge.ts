// Fleet's SCEP challenge webhook (the Smallstep CA contract): POST with HTTP Basic credentials and
// a JSON body Fleet treats as informational; the answer is the bare challenge as text/plain with
// no trailing newline, because Fleet uses the raw body verbatim.
import { getDb } from '@/server/db';
import { checkChallengeCredentials, issueChallenge } from '@/server/services/scep/issue-challenge';
import { recordAudit } from '@/server/services/audit/record-audit';
import { clientIp } from '@/server/auth/request-ip';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const plain = (status: number, body: string, extra: Record<string, string> = {}) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...extra } });

function basicAuth(header: string | null): { username: string; password: string } | null {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return null;
  return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

export async function handleFleetChallenge(req: Request, integrationId: string): Promise<Response> {
  try {
    const creds = basicAuth(req.headers.get('authorization'));
    const db = await getDb();
    const integration =
      creds && UUID.test(integrationId) && creds.username.length <= 200 && creds.password.length <= 200
        ? await checkChallengeCredentials(db, integrationId, creds.username, creds.password)
        : null;
    if (!integration) {
      return plain(401, 'Invalid challenge credentials', { 'www-authenticate': 'Basic realm="tessera-scep-challenge"' });
    }
    const raw = await req.text();
    if (raw.length > 64 * 1024) return plain(413, 'The request body is too large');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return plain(400, 'The request body is not valid JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return plain(400, 'The request body must be a JSON object');
    const challenge = await issueChallenge(db, integration);
    const event = (body as { event?: { payloadIdentifier?: unknown } }).event;
    await recordAudit(db, { type: 'mdm', id: integration.id, label: `fleet:${integration.name}`, ip: clientIp(req.headers) }, {
      action: 'scep.challenge.issue',
      targetType: 'integration',
      targetId: integration.id,
      targetLabel: integration.name,
      details: { payloadIdentifier: typeof event?.payloadIdentifier === 'string' ? event.payloadIdentifier.slice(0, 100) : undefined },
    });
    return plain(200, challenge);
  } catch (err) {
    console.error('[webhook] challenge request failed:', err);
    return plain(500, 'Internal error');
  }
}
