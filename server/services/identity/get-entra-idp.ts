// The stored Entra ID sign-in settings: `getEntraIdp` for the console (never the secret),
// `loadEntraIdpForSignIn` for building the NextAuth provider (with the decrypted secret).
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { identityProviders } from '@/server/db/schema';
import { decryptIdpSecret } from './idp-secret';

export interface EntraIdpView {
  clientId: string;
  tenantId: string;
  metadataUrl: string;
  issuer: string;
  hasClientSecret: boolean;
  updatedAt: Date;
}

export async function getEntraIdp(db: Db): Promise<EntraIdpView | null> {
  const [row] = await db.select().from(identityProviders).where(eq(identityProviders.kind, 'entra')).limit(1);
  if (!row) return null;
  return {
    clientId: row.clientId,
    tenantId: row.tenantId,
    metadataUrl: row.metadataUrl,
    issuer: row.issuer,
    hasClientSecret: !!row.clientSecretEnc,
    updatedAt: row.updatedAt,
  };
}

export interface EntraIdpForSignIn {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  metadataUrl: string;
  issuer: string;
}

export async function loadEntraIdpForSignIn(db: Db): Promise<EntraIdpForSignIn | null> {
  const [row] = await db.select().from(identityProviders).where(eq(identityProviders.kind, 'entra')).limit(1);
  if (!row) return null;
  return {
    clientId: row.clientId,
    clientSecret: decryptIdpSecret('entra', row.clientSecretEnc),
    tenantId: row.tenantId,
    metadataUrl: row.metadataUrl,
    issuer: row.issuer,
  };
}
