import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openssl, withFiles } from '@/lib/scep/testdata/tools';
import { createAuthority } from './create-authority';
import { certificateFingerprint } from './fingerprint';

describe('certificateFingerprint', () => {
  it('matches openssl and node for PEM and DER input', async () => {
    const { root } = await createAuthority({ name: 'Fingerprint' });
    const fromPem = certificateFingerprint(root.certificatePem);
    const fromDer = certificateFingerprint(root.certificateDer);
    expect(fromDer).toEqual(fromPem);
    expect(fromPem.hex).toMatch(/^[0-9a-f]{64}$/);
    expect(fromPem.colonHex).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(fromPem.colonHex).toBe(new X509Certificate(root.certificateDer).fingerprint256);
    const dir = withFiles({ 'root.pem': root.certificatePem });
    const out = openssl(['x509', '-in', path.join(dir, 'root.pem'), '-noout', '-fingerprint', '-sha256']).stdout;
    expect(out.trim()).toBe(`sha256 Fingerprint=${fromPem.colonHex}`);
    expect(fromPem.colonHex.replace(/:/g, '').toLowerCase()).toBe(fromPem.hex);
  });
});
