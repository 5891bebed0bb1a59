// The identity provider's client secret, encrypted at rest with a key derived from TESSERA_SECRET
// and bound to the provider kind.
import { decryptPrivateKey, encryptPrivateKey } from '@/lib/pki/key-encryption';
import { deriveKey } from '@/lib/secret';

export function encryptIdpSecret(kind: string, secret: string): string {
  return encryptPrivateKey(secret, deriveKey('identity-provider-secret'), kind);
}

export function decryptIdpSecret(kind: string, blob: string): string {
  return decryptPrivateKey(blob, deriveKey('identity-provider-secret'), kind);
}
