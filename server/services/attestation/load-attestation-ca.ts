// Tessera's TPM attestation CA: a root and an issuing intermediate (ECDSA P-256, made by the same
// createAuthority as the Agents authority; its SCEP RA is not kept), created on first use
// (race-safe), keys encrypted at rest with TESSERA_SECRET and decrypted on demand, cached per process.
import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { attestationAuthorities, type AttestationAuthorityRow } from '@/server/db/schema';
import { createAuthority } from '@/lib/pki/create-authority';
import { decryptPrivateKey } from '@/lib/pki/key-encryption';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { deriveKey } from '@/lib/secret';
import { recordAudit } from '../audit/record-audit';
import { systemActor } from '../actor';
import { sealKey } from '../pki/load-authority';

export const TPM_ATTESTATION_CA = 'tpm';

export interface LoadedAttestationCa {
  row: AttestationAuthorityRow;
  root: ParsedCertificate;
  intermediate: ParsedCertificate;
  intermediateKey: KeyObject;
}

const openKey = (blob: string, id: string, which: string) => createPrivateKey(decryptPrivateKey(blob, deriveKey('ca-private-keys'), `${id}:${which}`));

export async function ensureAttestationCa(db: Db): Promise<AttestationAuthorityRow> {
  const [existing] = await db.select().from(attestationAuthorities).where(eq(attestationAuthorities.slug, TPM_ATTESTATION_CA));
  if (existing) return existing;
  const id = randomUUID();
  // Root 20 years, intermediate 10: AK certificates live 30 days, so the CA outlives any of them.
  const created = await createAuthority({ name: 'Tessera TPM Attestation', organization: 'Tessera' });
  const [row] = await db
    .insert(attestationAuthorities)
    .values({
      id,
      slug: TPM_ATTESTATION_CA,
      name: 'TPM attestation',
      rootCertPem: created.root.certificatePem,
      rootKeyEnc: sealKey(created.root.privateKeyPem, id, 'root'),
      intermediateCertPem: created.intermediate.certificatePem,
      intermediateKeyEnc: sealKey(created.intermediate.privateKeyPem, id, 'intermediate'),
    })
    .onConflictDoNothing({ target: attestationAuthorities.slug })
    .returning();
  if (!row) {
    const [winner] = await db.select().from(attestationAuthorities).where(eq(attestationAuthorities.slug, TPM_ATTESTATION_CA));
    return winner;
  }
  await recordAudit(db, systemActor, { action: 'attestation_ca.create', targetType: 'attestation_ca', targetId: row.id, targetLabel: row.name });
  return row;
}

const cache = new Map<string, { stamp: number; value: LoadedAttestationCa }>();

export async function loadAttestationCa(db: Db): Promise<LoadedAttestationCa> {
  const row = await ensureAttestationCa(db);
  const hit = cache.get(row.id);
  if (hit && hit.stamp === row.updatedAt.getTime()) return hit.value;
  const value: LoadedAttestationCa = {
    row,
    root: parseCertificate(row.rootCertPem),
    intermediate: parseCertificate(row.intermediateCertPem),
    intermediateKey: openKey(row.intermediateKeyEnc, row.id, 'intermediate'),
  };
  cache.set(row.id, { stamp: row.updatedAt.getTime(), value });
  return value;
}
