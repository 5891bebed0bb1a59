import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { authorities, auditLog } from '@/server/db/schema';
import { createFleetIntegration } from '@/server/services/integrations/create-fleet-integration';
import { decryptCredentials } from '@/server/services/integrations/credentials';
import { ensureAuthority, loadAuthority } from '@/server/services/pki/load-authority';
import { rotateRa } from '@/server/services/pki/rotate-ra';
import { listCertificates } from '@/server/services/pki/list-certificates';
import { revokeCertificate } from '@/server/services/pki/revoke-certificate';
import { handlePkiOperation } from '@/server/services/scep/handle-pki-operation';
import { issueChallenge } from '@/server/services/scep/issue-challenge';
import { recordDeviceSource } from '@/server/services/devices/record-device-source';
import { setDeviceApproval } from '@/server/services/devices/set-device-approval';
import { createClientIdentity, buildPkiRequest, readCertRep } from '@/lib/scep/testdata/scep-test-client';
import { installTestDb, type TestDb } from '../helpers/db';
import { actorOf, seedTeam } from '../helpers/fixtures';

let t: TestDb;
let seed: Awaited<ReturnType<typeof seedTeam>>;
beforeAll(async () => {
  t = await installTestDb();
  seed = await seedTeam(t.db);
});
afterAll(() => t.destroy());

describe('the Agents authority', () => {
  it('is created once even when first requests race, with private keys encrypted at rest', async () => {
    const rows = await Promise.all([ensureAuthority(t.db), ensureAuthority(t.db), ensureAuthority(t.db)]);
    expect(new Set(rows.map((r) => r.id)).size).toBe(1);
    expect(await t.db.select().from(authorities)).toHaveLength(1);
    const [row] = await t.db.select().from(authorities);
    for (const blob of [row.rootKeyEnc, row.intermediateKeyEnc, row.raKeyEnc]) {
      expect(blob).toMatch(/^tk1\./);
      expect(blob).not.toContain('PRIVATE KEY');
    }
    const a = await loadAuthority(t.db);
    expect(a.ra.publicKey().asymmetricKeyType).toBe('rsa');
  });

  it('stores integration credentials encrypted and bound to the integration', async () => {
    const f = await createFleetIntegration(t.db, seed.ownerActor, { name: 'F1', url: 'https://f.test', apiToken: 'secret-fleet-token' });
    expect(f.integration.credentialsEnc).not.toContain('secret-fleet-token');
    // The challenge password is stored as its SHA-256 only.
    expect(f.integration.challengePasswordHash).toMatch(/^[0-9a-f]{64}$/);
    expect(f.integration.challengePasswordHash).not.toContain(f.challengePassword);
    expect(decryptCredentials(f.integration.id, f.integration.credentialsEnc!)).toEqual({ apiToken: 'secret-fleet-token' });
    expect(() => decryptCredentials('00000000-0000-0000-0000-000000000000', f.integration.credentialsEnc!)).toThrow();
  });

  it('rotates the RA for Owners only, and still accepts requests encrypted to the previous RA', async () => {
    await expect(rotateRa(t.db, actorOf(seed.admin))).rejects.toThrow(/Only Owners/);
    const before = await loadAuthority(t.db);
    const fleet = await createFleetIntegration(t.db, seed.ownerActor, { name: 'F2', url: 'https://f.test', apiToken: 'x' });
    const { device } = await recordDeviceSource(t.db, { type: 'mdm', label: 'x' }, {
      kind: 'fleet', source: 'mdm:x', externalId: '1', facts: { hardwareUuid: 'ABCDEF01-2345-6789-ABCD-EF0123456789' }, authoritative: false,
    });
    await setDeviceApproval(t.db, seed.ownerActor, { deviceIds: [device.id], decision: 'approved' });
    const challenge = await issueChallenge(t.db, fleet.integration);
    const identity = createClientIdentity({ challenge, commonName: 'ABCDEF01-2345-6789-ABCD-EF0123456789' });
    const message = buildPkiRequest({ identity, recipient: before.ra, cipher: 'aes-128-cbc', digest: 'sha256' });
    const rotated = await rotateRa(t.db, seed.ownerActor);
    const after = await loadAuthority(t.db);
    expect(after.ra.serialNumberHex).toBe(rotated.serialHex);
    expect(after.ra.serialNumberHex).not.toBe(before.ra.serialNumberHex);
    const outcome = await handlePkiOperation(t.db, fleet.integration, message, { crlUrl: 'http://x/crl' });
    if (!('reply' in outcome)) throw new Error('expected a CertRep');
    expect(outcome.status).toBe('issued');
    const rep = readCertRep(outcome.reply, { ra: after.ra, identity });
    expect(String(rep.pkiStatus)).toBe('0');
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'authority.ra.rotate'));
    expect(audit.actorLabel).toBe('owner@acme.test');
  });

  it('lists certificates, revokes once with a reason, and publishes a CRL that grows', async () => {
    const page = await listCertificates(t.db, {});
    expect(page.certificates).toHaveLength(1);
    const cert = page.certificates[0];
    expect(cert.status).toBe('active');
    const crlBefore = (await loadAuthority(t.db)).row.crlNumber;
    expect(await revokeCertificate(t.db, seed.ownerActor, { serialHex: cert.serialHex, reason: 'superseded' })).toEqual({ serialHex: cert.serialHex, alreadyRevoked: false });
    expect((await revokeCertificate(t.db, seed.ownerActor, { serialHex: cert.serialHex })).alreadyRevoked).toBe(true);
    const crlAfter = (await loadAuthority(t.db)).row;
    expect(crlAfter.crlNumber).toBe(crlBefore + 1);
    expect((await listCertificates(t.db, { status: 'revoked' })).certificates[0].revocationReason).toBe(4);
    await expect(revokeCertificate(t.db, seed.ownerActor, { serialHex: 'nothex!' })).rejects.toThrow(/hexadecimal/);
    await expect(revokeCertificate(t.db, seed.ownerActor, { serialHex: 'abcdef' })).rejects.toThrow(/not found/);
  });
});
