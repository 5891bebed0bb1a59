// The attestation CA's console side: the CA is created once and its key is sealed; EK roots an
// Owner adds are validated, unique and audited; the EK-without-certificate setting defaults to
// registered-only and is audited when changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, like } from 'drizzle-orm';
import { createAuthority, type Authority } from '@/lib/pki/create-authority';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { attestationAuthorities, auditLog } from '@/server/db/schema';
import { ServiceError } from '@/server/services/errors';
import { attestationCaSummary } from '@/server/services/attestation/attestation-ca-summary';
import { getAttestationSettings, updateAttestationSettings } from '@/server/services/attestation/attestation-settings';
import { addEkRoot, listEkRoots, removeEkRoot } from '@/server/services/attestation/ek-roots';
import { ensureAttestationCa } from '@/server/services/attestation/load-attestation-ca';
import { getTrustedAkRoots } from '@/server/services/attestation/get-trusted-ak-roots';
import { createTestDb, type TestDb } from '../helpers/db';
import { seedTeam } from '../helpers/fixtures';

let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
let vendor: Authority;

beforeAll(async () => {
  t = await createTestDb();
  seed = await seedTeam(t.db);
  vendor = await createAuthority({ name: 'Example TPM Vendor' });
});
afterAll(() => t?.destroy());

const code = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof ServiceError) return err.code;
    throw err;
  }
  return 'OK';
};

describe('attestation CA', () => {
  it('is created once, even by concurrent first uses, with sealed keys; getTrustedAkRoots serves its root', async () => {
    const rows = await Promise.all([ensureAttestationCa(t.db), ensureAttestationCa(t.db), ensureAttestationCa(t.db)]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(1);
    expect(await t.db.select().from(attestationAuthorities)).toHaveLength(1);
    expect(rows[0].rootKeyEnc).not.toContain('PRIVATE KEY');
    expect(rows[0].intermediateKeyEnc).not.toContain('PRIVATE KEY');
    const [root] = await getTrustedAkRoots(t.db);
    const summary = await attestationCaSummary(t.db, 'https://tessera.example');
    expect(summary.root.sha256).toBe(certificateFingerprint(root).hex);
    expect(summary.root.subject).toContain('Tessera TPM Attestation Root CA');
    expect(summary.downloads.rootPem).toBe('https://tessera.example/attestation/v1/root');
    expect(summary.shippedEkRoots.anchors).toBeGreaterThan(20);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, 'attestation_ca.create'))).toHaveLength(1);
  });
});

describe('EK roots', () => {
  it('adds a CA certificate once, refuses anything else, removes it; all audited', async () => {
    const added = await addEkRoot(t.db, seed.ownerActor, { name: 'Example vendor', pem: vendor.root.certificatePem });
    expect(added).toMatchObject({ name: 'Example vendor', subject: expect.stringContaining('Example TPM Vendor Root CA'), sha256: certificateFingerprint(vendor.root.certificateDer).hex, addedBy: 'owner@acme.test' });
    expect(await code(addEkRoot(t.db, seed.ownerActor, { name: 'again', pem: vendor.root.certificatePem }))).toBe('CONFLICT');
    expect(await code(addEkRoot(t.db, seed.ownerActor, { name: 'leaf', pem: vendor.ra.certificatePem }))).toBe('BAD_REQUEST');
    expect(await code(addEkRoot(t.db, seed.ownerActor, { name: 'two', pem: vendor.root.certificatePem + vendor.intermediate.certificatePem }))).toBe('BAD_REQUEST');
    expect(await code(addEkRoot(t.db, seed.ownerActor, { name: 'junk', pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }))).toBe('BAD_REQUEST');
    await expect(addEkRoot(t.db, seed.ownerActor, { name: '', pem: vendor.root.certificatePem })).rejects.toThrow(/Give the root a name/);
    expect((await listEkRoots(t.db)).map((r) => r.name)).toEqual(['Example vendor']);

    await removeEkRoot(t.db, seed.ownerActor, added.id);
    expect(await listEkRoots(t.db)).toEqual([]);
    expect(await code(removeEkRoot(t.db, seed.ownerActor, added.id))).toBe('NOT_FOUND');
    const audit = await t.db.select().from(auditLog).where(like(auditLog.action, 'attestation.ek_root.%'));
    expect(audit.map((a) => a.action)).toEqual(['attestation.ek_root.add', 'attestation.ek_root.remove']);
  });
});

describe('EK-without-certificate setting', () => {
  it('defaults to registered-only; a change is saved and audited, a no-op is not', async () => {
    expect(await getAttestationSettings(t.db)).toEqual({ tpmEkWithoutCertificate: 'registered-only' });
    await updateAttestationSettings(t.db, seed.ownerActor, { tpmEkWithoutCertificate: 'deny' });
    await updateAttestationSettings(t.db, seed.ownerActor, { tpmEkWithoutCertificate: 'deny' });
    expect(await getAttestationSettings(t.db)).toEqual({ tpmEkWithoutCertificate: 'deny' });
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.action, 'attestation.settings.update'));
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toEqual({ changes: { tpmEkWithoutCertificate: { from: 'registered-only', to: 'deny' } } });
    await expect(updateAttestationSettings(t.db, seed.ownerActor, { tpmEkWithoutCertificate: 'sometimes' as never })).rejects.toThrow();
  });
});
