// The roots an AK certificate must chain to for the ACME "tpm" format: Tessera's attestation CA.
import type { Db } from '@/server/db';
import { loadAttestationCa } from './load-attestation-ca';

export async function getTrustedAkRoots(db: Db): Promise<Uint8Array[]> {
  const ca = await loadAttestationCa(db);
  return [ca.root.der];
}
