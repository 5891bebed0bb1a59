// Connects (or edits) Microsoft Entra ID as the team's sign-in provider. The metadata document is
// fetched and checked before anything is stored (the CLI may skip that with --no-verify); the
// client secret is encrypted and kept as is when the field is left empty on edit. Owners only.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db';
import { identityProviders } from '@/server/db/schema';
import { recordAudit } from '../audit/record-audit';
import type { Actor } from '../actor';
import { badRequest, forbidden } from '../errors';
import { entraMetadataUrl, fetchOidcMetadata } from './fetch-oidc-metadata';
import { encryptIdpSecret } from './idp-secret';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const saveEntraIdpInput = z.object({
  clientId: z.string().trim().min(1, 'Enter the Application (client) ID').max(200),
  // Empty on edit keeps the stored secret.
  clientSecret: z.string().trim().max(1024).optional().default(''),
  tenantId: z.string().trim().regex(GUID, 'Enter the Directory (tenant) ID, a GUID like 72f988bf-86f1-41af-91ab-2d7cd011db47'),
  metadataUrl: z
    .string()
    .trim()
    .max(2048)
    .optional()
    .default('')
    .refine((v) => {
      if (!v) return true;
      try {
        const u = new URL(v);
        return u.protocol === 'https:' || u.protocol === 'http:';
      } catch {
        return false;
      }
    }, 'Enter an http(s) URL, e.g. https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration'),
});
export type SaveEntraIdpInput = z.input<typeof saveEntraIdpInput>;

const WELL_KNOWN = '/.well-known/openid-configuration';

/**
 * Without fetching the document (the CLI's --no-verify, for a server that cannot reach Entra at
 * configuration time), the issuer follows from the metadata URL: OpenID Connect Discovery §4 puts
 * the document at the issuer plus /.well-known/openid-configuration.
 */
function issuerFromMetadataUrl(metadataUrl: string): string {
  const u = new URL(metadataUrl);
  if (u.search || u.hash || !u.pathname.endsWith(WELL_KNOWN))
    throw badRequest(`Without verification the metadata URL must end with ${WELL_KNOWN}, so that the issuer can be derived from it`, 'metadataUrl');
  return `${u.origin}${u.pathname.slice(0, -WELL_KNOWN.length)}`;
}

export async function saveEntraIdp(db: Db, actor: Actor, raw: SaveEntraIdpInput, opts: { verify?: boolean } = {}) {
  const verify = opts.verify ?? true;
  if (actor.role !== 'owner') throw forbidden('Only Owners can change the sign-in provider');
  const input = saveEntraIdpInput.parse(raw);
  const tenantId = input.tenantId.toLowerCase();
  const metadataUrl = input.metadataUrl || entraMetadataUrl(tenantId);
  const [existing] = await db.select().from(identityProviders).where(eq(identityProviders.kind, 'entra')).limit(1);
  if (!input.clientSecret && !existing) throw badRequest('Enter the client secret value', 'clientSecret');

  const issuer = verify ? (await fetchOidcMetadata(metadataUrl, tenantId)).issuer : issuerFromMetadataUrl(metadataUrl);
  const values = {
    clientId: input.clientId,
    tenantId,
    metadataUrl,
    issuer,
    ...(input.clientSecret ? { clientSecretEnc: encryptIdpSecret('entra', input.clientSecret) } : {}),
    updatedAt: new Date(),
  };
  return db.transaction(async (tx) => {
    const [row] = existing
      ? await tx.update(identityProviders).set(values).where(eq(identityProviders.id, existing.id)).returning()
      : await tx
          .insert(identityProviders)
          .values({ kind: 'entra', ...values, clientSecretEnc: values.clientSecretEnc! })
          .returning();
    await recordAudit(tx, actor, {
      action: existing ? 'identity_provider.update' : 'identity_provider.create',
      targetType: 'identity_provider',
      targetId: row.id,
      targetLabel: 'Microsoft Entra ID',
      details: { kind: 'entra', clientId: row.clientId, tenantId, metadataUrl, issuer: row.issuer, secretChanged: !!input.clientSecret, verified: verify },
    });
    return { clientId: row.clientId, tenantId: row.tenantId, metadataUrl: row.metadataUrl, issuer: row.issuer, hasClientSecret: true };
  });
}
