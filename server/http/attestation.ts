// The TPM attestation CA's device endpoints (docs/attestation.md):
//   POST /attestation/v1/ak-challenge  {ekCertificate?, ekCertificateChain?, ekPublic?, akPublic} → MakeCredential output
//   POST /attestation/v1/ak-activate   {sessionId, secret}                                        → AK certificate chain
//   GET  /attestation/v1/root          the attestation CA root (PEM)
// No credentials: possession is the proof. Only the TPM holding the EK, with the AK loaded, can
// recover the secret of a challenge; the EK itself is trusted through its manufacturer certificate
// or, without one, only per the team setting. Binary fields are base64 (standard or URL-safe).
import { z } from 'zod';
import { getDb } from '@/server/db';
import { clientIp } from '@/server/auth/request-ip';
import { ServiceError } from '@/server/services/errors';
import { activateAk } from '@/server/services/attestation/activate-ak';
import { loadAttestationCa } from '@/server/services/attestation/load-attestation-ca';
import { requestAkChallenge } from '@/server/services/attestation/request-ak-challenge';
import { readJson, zodMessage } from './rest/parse';
import { ApiError } from './rest/respond';

const STATUS: Record<ServiceError['code'], number> = { BAD_REQUEST: 400, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, PRECONDITION_FAILED: 412 };

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });

/** Base64 (either alphabet, padding optional) or, for certificates, PEM; bounded. */
const binary = (field: string, maxBytes: number, allowPem = false) =>
  z
    .string({ error: `${field} must be a base64 string` })
    .max(Math.ceil((maxBytes * 4) / 3) + 400, `${field} is larger than ${maxBytes} bytes`)
    .transform((value, ctx) => {
      let text = value.trim();
      if (allowPem && text.startsWith('-----BEGIN')) {
        const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
        if (!m) {
          ctx.addIssue({ code: 'custom', message: `${field} is PEM but not a CERTIFICATE block` });
          return z.NEVER;
        }
        text = m[1];
      }
      text = text.replace(/\s+/g, '');
      if (!text || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
        ctx.addIssue({ code: 'custom', message: `${field} is not base64` });
        return z.NEVER;
      }
      const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      if (bytes.length === 0 || bytes.length > maxBytes) {
        ctx.addIssue({ code: 'custom', message: `${field} must be 1 to ${maxBytes} bytes` });
        return z.NEVER;
      }
      return new Uint8Array(bytes);
    });

const challengeBody = z
  .object({
    ekCertificate: binary('ekCertificate', 8192, true).optional(),
    ekCertificateChain: z.array(binary('ekCertificateChain[]', 8192, true)).max(5, 'ekCertificateChain: at most 5 certificates').optional(),
    ekPublic: binary('ekPublic', 2048).optional(),
    akPublic: binary('akPublic', 2048),
  })
  .strict();

const activateBody = z
  .object({
    sessionId: z.uuid({ error: 'sessionId must be the UUID ak-challenge returned' }),
    secret: binary('secret', 64),
  })
  .strict();

async function handle(req: Request, work: (ip: string | null) => Promise<Response>): Promise<Response> {
  try {
    return await work(clientIp(req.headers));
  } catch (err) {
    if (err instanceof ApiError) return json(err.status, { message: err.message });
    if (err instanceof ServiceError) return json(STATUS[err.code], { message: err.message, ...(err.field ? { field: err.field } : {}) });
    // Bad input never lands here (it is an ApiError or ServiceError); this is a server fault.
    console.error('[attestation] request failed:', err);
    return json(500, { message: 'Internal error; it was logged' });
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError(400, zodMessage(r.error));
  return r.data;
}

export function handleAkChallenge(req: Request): Promise<Response> {
  return handle(req, async (ip) => {
    const body = parse(challengeBody, await readJson(req));
    const db = await getDb();
    const challenge = await requestAkChallenge(db, body, { ip });
    return json(200, { ...challenge, expiresAt: challenge.expiresAt.toISOString() });
  });
}

export function handleAkActivate(req: Request): Promise<Response> {
  return handle(req, async (ip) => {
    const body = parse(activateBody, await readJson(req));
    const db = await getDb();
    const activated = await activateAk(db, body, { ip });
    return json(200, { ...activated, notAfter: activated.notAfter.toISOString() });
  });
}

export function handleAttestationRoot(): Promise<Response> {
  return (async () => {
    try {
      const ca = await loadAttestationCa(await getDb());
      return new Response(ca.row.rootCertPem, {
        headers: { 'content-type': 'application/x-pem-file', 'cache-control': 'public, max-age=300', 'content-disposition': 'attachment; filename="tessera-tpm-attestation-root.pem"' },
      });
    } catch (err) {
      console.error('[attestation] root download failed:', err);
      return json(503, { message: 'The attestation CA is not available yet' });
    }
  })();
}
