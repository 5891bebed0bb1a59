// OpenID Connect Discovery 1.0 §4: fetches a provider's metadata document and checks that it is
// one, turning each way it can fail (DNS, connection, HTTP status, not JSON, missing fields, a
// different tenant) into a message an admin can act on.
import { badRequest } from '../errors';

export interface OidcMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  [k: string]: unknown;
}

const REQUIRED = ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const;
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export const entraMetadataUrl = (tenantId: string) =>
  `https://login.microsoftonline.com/${encodeURIComponent(tenantId)}/v2.0/.well-known/openid-configuration`;

function networkMessage(err: unknown, host: string): string {
  const chain: { code?: string; name?: string; message?: string }[] = [];
  for (let e = err as { cause?: unknown } | undefined; e && chain.length < 5; e = e.cause as typeof e) chain.push(e as never);
  const codes = chain.map((e) => e.code ?? e.name ?? '');
  if (codes.some((c) => c === 'TimeoutError' || c === 'AbortError' || c === 'UND_ERR_CONNECT_TIMEOUT'))
    return `The metadata URL did not answer within 10 seconds (${host}).`;
  if (codes.some((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN')) return `The host ${host} could not be found (DNS). Check the metadata URL.`;
  if (codes.includes('ECONNREFUSED')) return `Nothing is listening at ${host}: the connection was refused.`;
  if (codes.some((c) => c.startsWith('ERR_TLS') || c.includes('CERT') || c === 'DEPTH_ZERO_SELF_SIGNED_CERT'))
    return `The TLS certificate of ${host} is not trusted.`;
  return `The metadata URL could not be reached (${host}).`;
}

/** Fetches and validates the metadata; `tenantId`, when given, must match the tenant the document is for. */
export async function fetchOidcMetadata(metadataUrl: string, tenantId?: string): Promise<OidcMetadata> {
  const url = new URL(metadataUrl);
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'follow', signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw badRequest(networkMessage(err, url.host), 'metadataUrl');
  }
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    // Entra answers an unknown tenant with 400 and AADSTS90002.
    const err = body as { error?: string; error_description?: string } | undefined;
    if (err?.error === 'invalid_tenant' || err?.error_description?.includes('AADSTS90002'))
      throw badRequest('Entra ID does not know this tenant. Check the Tenant ID (Directory ID) in the app registration overview.', 'tenantId');
    throw badRequest(`The metadata URL answered HTTP ${res.status}; it should serve the OpenID Connect metadata document.`, 'metadataUrl');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('The metadata URL did not return JSON. Use the "OpenID Connect metadata document" URL from the app registration endpoints.', 'metadataUrl');
  const doc = body as Record<string, unknown>;
  const missing = REQUIRED.filter((k) => typeof doc[k] !== 'string' || !doc[k]);
  if (missing.length)
    throw badRequest(`This is not OpenID Connect metadata: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.`, 'metadataUrl');
  let issuer = doc.issuer as string;
  if (tenantId) {
    // The multi-tenant ("common") document names its issuer with a {tenantid} placeholder.
    issuer = issuer.replace('{tenantid}', tenantId);
    const named = issuer.match(GUID)?.[0];
    if (named && named.toLowerCase() !== tenantId.toLowerCase())
      throw badRequest(`The metadata is for tenant ${named}, not ${tenantId}. Check the Tenant ID and the metadata URL.`, 'tenantId');
  }
  return { ...(doc as OidcMetadata), issuer };
}
