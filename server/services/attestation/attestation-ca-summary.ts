// What the Authorities page shows of the TPM attestation CA and the EK trust configuration.
import type { Db } from '@/server/db';
import { certificateFingerprint } from '@/lib/pki/fingerprint';
import { getAttestationSettings } from './attestation-settings';
import { listEkRoots } from './ek-roots';
import { loadAttestationCa } from './load-attestation-ca';
import { shippedEkRoots } from './shipped-ek-roots';

export async function attestationCaSummary(db: Db, baseUrl: string) {
  const ca = await loadAttestationCa(db);
  const describe = (c: typeof ca.root) => ({
    subject: c.subject,
    issuer: c.issuer,
    serialHex: c.serialNumberHex,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    sha256: certificateFingerprint(c.der).hex,
    sha256Colon: certificateFingerprint(c.der).colonHex,
  });
  const shipped = shippedEkRoots();
  const [settings, addedRoots] = await Promise.all([getAttestationSettings(db), listEkRoots(db)]);
  return {
    root: describe(ca.root),
    intermediate: describe(ca.intermediate),
    downloads: { rootPem: `${baseUrl}/attestation/v1/root` },
    endpoints: { akChallenge: `${baseUrl}/attestation/v1/ak-challenge`, akActivate: `${baseUrl}/attestation/v1/ak-activate` },
    shippedEkRoots: { anchors: shipped.anchors.length, intermediates: shipped.intermediates.length, files: shipped.files.length },
    addedEkRoots: addedRoots,
    settings,
  };
}
