// The roots an `apple` attestation chain must end in. Production trusts exactly the Apple
// Enterprise Attestation Root CA (apple-enterprise-attestation-root-ca.pem beside this file, as
// Apple publishes it); TESSERA_APPLE_ATTESTATION_ROOTS_PEM replaces it, for tests and labs only.
import { pemBlocks } from '@/lib/pki/pem';

/** Apple Enterprise Attestation Root CA, P-384, valid 2022-02-16 to 2047-02-20. */
export const APPLE_ENTERPRISE_ATTESTATION_ROOT_CA_PEM = `-----BEGIN CERTIFICATE-----
MIICJDCCAamgAwIBAgIUQsDCuyxyfFxeq/bxpm8frF15hzcwCgYIKoZIzj0EAwMw
UTEtMCsGA1UEAwwkQXBwbGUgRW50ZXJwcmlzZSBBdHRlc3RhdGlvbiBSb290IENB
MRMwEQYDVQQKDApBcHBsZSBJbmMuMQswCQYDVQQGEwJVUzAeFw0yMjAyMTYxOTAx
MjRaFw00NzAyMjAwMDAwMDBaMFExLTArBgNVBAMMJEFwcGxlIEVudGVycHJpc2Ug
QXR0ZXN0YXRpb24gUm9vdCBDQTETMBEGA1UECgwKQXBwbGUgSW5jLjELMAkGA1UE
BhMCVVMwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAAT6Jigq+Ps9Q4CoT8t8q+UnOe2p
oT9nRaUfGhBTbgvqSGXPjVkbYlIWYO+1zPk2Sz9hQ5ozzmLrPmTBgEWRcHjA2/y7
7GEicps9wn2tj+G89l3INNDKETdxSPPIZpPj8VmjQjBAMA8GA1UdEwEB/wQFMAMB
Af8wHQYDVR0OBBYEFPNqTQGd8muBpV5du+UIbVbi+d66MA4GA1UdDwEB/wQEAwIB
BjAKBggqhkjOPQQDAwNpADBmAjEA1xpWmTLSpr1VH4f8Ypk8f3jMUKYz4QPG8mL5
8m9sX/b2+eXpTv2pH4RZgJjucnbcAjEA4ZSB6S45FlPuS/u4pTnzoz632rA+xW/T
ZwFEh9bhKjJ+5VQ9/Do1os0u3LEkgN/r
-----END CERTIFICATE-----
`;

/** SHA-256 of the DER above, for anyone comparing it with Apple's download. */
export const APPLE_ENTERPRISE_ATTESTATION_ROOT_CA_SHA256 = 'ccf59ef8fcb3017d97f8b5fa6fa90e7a3f9283f76b55ac6cf6eda8b8b949f05b';

/**
 * The trusted roots as DER. `override` is the value of TESSERA_APPLE_ATTESTATION_ROOTS_PEM: one or
 * more PEM certificates (literal "\n" sequences allowed, for one-line env files). It replaces
 * Apple's root rather than adding to it, so a configured lab root never widens production trust
 * silently.
 */
export function appleAttestationRoots(override?: string): Buffer[] {
  if (!override?.trim()) return pemBlocks(APPLE_ENTERPRISE_ATTESTATION_ROOT_CA_PEM, 'CERTIFICATE');
  const roots = pemBlocks(override.replace(/\\n/g, '\n'), 'CERTIFICATE');
  if (!roots.length) throw new Error('TESSERA_APPLE_ATTESTATION_ROOTS_PEM holds no PEM certificate');
  return roots;
}
