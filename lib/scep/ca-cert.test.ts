import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuthority, type Authority } from '@/lib/pki/create-authority';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { caCertResponse } from './ca-cert';
import { openssl, withFiles } from './testdata/tools';

let authority: Authority;
beforeAll(async () => {
  authority = await createAuthority({ name: 'CA Cert' });
});

describe('caCertResponse', () => {
  it('sends a single certificate as DER with x-x509-ca-cert', () => {
    const reply = caCertResponse([authority.ra.certificateDer]);
    expect(reply.contentType).toBe('application/x-x509-ca-cert');
    expect(reply.body).toEqual(authority.ra.certificateDer);
  });

  it('sends RA and CA certificates as a degenerate PKCS#7 that openssl reads, order kept', () => {
    const certs = [authority.ra.certificateDer, authority.intermediate.certificateDer, authority.root.certificateDer];
    const reply = caCertResponse(certs);
    expect(reply.contentType).toBe('application/x-x509-ca-ra-cert');
    const dir = withFiles({ 'certs.p7b': reply.body });
    const printed = openssl(['pkcs7', '-inform', 'DER', '-in', path.join(dir, 'certs.p7b'), '-print_certs']);
    expect(printed.code, printed.stderr).toBe(0);
    const blocks = printed.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
    expect(blocks.map((b) => certificateFingerprint(b).hex)).toEqual(certs.map((c) => certificateFingerprint(c).hex));
    // certs-only: no signers, no content (openssl's view of the structure).
    const parsed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path.join(dir, 'certs.p7b')]).stdout;
    expect(parsed).toMatch(/signerInfos:\s+<EMPTY>/);
    expect(parsed).toMatch(/eContent: <ABSENT>/);
  });

  it('refuses an empty list', () => {
    expect(() => caCertResponse([])).toThrow();
  });
});
