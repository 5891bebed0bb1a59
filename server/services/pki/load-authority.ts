// The Agents authority: created on first use (race-safe), its keys decrypted on demand and cached
// per process until the row changes (RA rotation, CRL update).
import { randomUUID, createPrivateKey, type KeyObject } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { authorities, type AuthorityRow } from '@/server/db/schema';
import { createAuthority } from '@/lib/pki/create-authority';
import { decryptPrivateKey, encryptPrivateKey } from '@/lib/pki/key-encryption';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { deriveKey } from '@/lib/secret';
import { recordAudit } from '../audit/record-audit';
import { systemActor } from '../actor';

export const AGENTS_AUTHORITY = 'agents';

export interface LoadedAuthority {
  row: AuthorityRow;
  root: ParsedCertificate;
  intermediate: ParsedCertificate;
  intermediateKey: KeyObject;
  ra: ParsedCertificate;
  raKey: KeyObject;
  previousRa?: { cert: ParsedCertificate; key: KeyObject };
}

const keyFor = () => deriveKey('ca-private-keys');
export const sealKey = (pem: string, authorityId: string, which: string) => encryptPrivateKey(pem, keyFor(), `${authorityId}:${which}`);
const openKey = (blob: string, authorityId: string, which: string) =>
  createPrivateKey(decryptPrivateKey(blob, keyFor(), `${authorityId}:${which}`));

export async function ensureAuthority(db: Db, slug = AGENTS_AUTHORITY): Promise<AuthorityRow> {
  const [existing] = await db.select().from(authorities).where(eq(authorities.slug, slug));
  if (existing) return existing;
  const id = randomUUID();
  const created = await createAuthority({ name: 'Tessera Agents', organization: 'Tessera' });
  const [row] = await db
    .insert(authorities)
    .values({
      id,
      slug,
      name: 'Agents',
      rootCertPem: created.root.certificatePem,
      rootKeyEnc: sealKey(created.root.privateKeyPem, id, 'root'),
      intermediateCertPem: created.intermediate.certificatePem,
      intermediateKeyEnc: sealKey(created.intermediate.privateKeyPem, id, 'intermediate'),
      raCertPem: created.ra.certificatePem,
      raKeyEnc: sealKey(created.ra.privateKeyPem, id, 'ra'),
    })
    .onConflictDoNothing({ target: authorities.slug })
    .returning();
  if (!row) {
    const [winner] = await db.select().from(authorities).where(eq(authorities.slug, slug));
    return winner;
  }
  await recordAudit(db, systemActor, { action: 'authority.create', targetType: 'authority', targetId: row.id, targetLabel: row.name });
  return row;
}

const cache = new Map<string, { stamp: number; value: LoadedAuthority }>();
const cacheBySlug = new Map<string, LoadedAuthority>();

/**
 * The authority as this process last loaded it, without asking the database. Hot paths use it and
 * then compare `row.updatedAt` with the row's current value in a statement they run anyway,
 * falling back to loadAuthority when the row has changed (RA rotation, CRL update).
 */
export function peekAuthority(slug = AGENTS_AUTHORITY): LoadedAuthority | undefined {
  return cacheBySlug.get(slug);
}

export async function loadAuthority(db: Db, slug = AGENTS_AUTHORITY): Promise<LoadedAuthority> {
  const row = await ensureAuthority(db, slug);
  const hit = cache.get(row.id);
  if (hit && hit.stamp === row.updatedAt.getTime()) {
    const fresh = { ...hit.value, row };
    cacheBySlug.set(slug, fresh);
    return fresh;
  }
  const value: LoadedAuthority = {
    row,
    root: parseCertificate(row.rootCertPem),
    intermediate: parseCertificate(row.intermediateCertPem),
    intermediateKey: openKey(row.intermediateKeyEnc, row.id, 'intermediate'),
    ra: parseCertificate(row.raCertPem),
    raKey: openKey(row.raKeyEnc, row.id, 'ra'),
    previousRa:
      row.previousRaCertPem && row.previousRaKeyEnc
        ? { cert: parseCertificate(row.previousRaCertPem), key: openKey(row.previousRaKeyEnc, row.id, 'previous-ra') }
        : undefined,
  };
  cache.set(row.id, { stamp: row.updatedAt.getTime(), value });
  cacheBySlug.set(slug, value);
  return value;
}

export function rootKeyOf(row: AuthorityRow): KeyObject {
  return openKey(row.rootKeyEnc, row.id, 'root');
}
