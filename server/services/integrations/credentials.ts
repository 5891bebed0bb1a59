// Integration credentials (MDM API tokens, client secrets) encrypted at rest with a key derived
// from TESSERA_SECRET and bound to the integration's id.
import { decryptPrivateKey, encryptPrivateKey } from '@/lib/pki/key-encryption';
import { deriveKey } from '@/lib/secret';

export function encryptCredentials(integrationId: string, value: Record<string, string>): string {
  return encryptPrivateKey(JSON.stringify(value), deriveKey('integration-credentials'), integrationId);
}

export function decryptCredentials(integrationId: string, blob: string): Record<string, string> {
  return JSON.parse(decryptPrivateKey(blob, deriveKey('integration-credentials'), integrationId));
}
