// What the Authorities page and `tessera ca show` print: the chain, fingerprints and endpoints.
import type { Db } from '@/server/db';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { loadAuthority } from './load-authority';

export async function authoritySummary(db: Db, baseUrl: string) {
  const a = await loadAuthority(db);
  const describe = (c: typeof a.root, pem: string) => ({
    subject: c.subject,
    issuer: c.issuer,
    serialHex: c.serialNumberHex,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    sha256: certificateFingerprint(c.der).hex,
    sha256Colon: certificateFingerprint(c.der).colonHex,
    pem,
  });
  return {
    id: a.row.id,
    slug: a.row.slug,
    name: a.row.name,
    root: describe(a.root, a.row.rootCertPem),
    intermediate: describe(a.intermediate, a.row.intermediateCertPem),
    ra: describe(a.ra, a.row.raCertPem),
    previousRa: a.previousRa ? { serialHex: a.previousRa.cert.serialNumberHex, notAfter: a.previousRa.cert.notAfter } : null,
    crl: { number: a.row.crlNumber, nextUpdate: a.row.crlNextUpdate, url: `${baseUrl}/pki/${a.row.slug}/crl` },
    downloads: {
      rootPem: `${baseUrl}/pki/${a.row.slug}/root.pem`,
      rootDer: `${baseUrl}/pki/${a.row.slug}/root.crt`,
      chainPem: `${baseUrl}/pki/${a.row.slug}/chain.pem`,
      crl: `${baseUrl}/pki/${a.row.slug}/crl`,
    },
  };
}
