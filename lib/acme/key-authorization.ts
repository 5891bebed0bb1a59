// RFC 8555 §8.1: keyAuthorization = token || '.' || base64url(JWK thumbprint of the account key).
// device-attest-01 TPM statements carry its SHA-256 in certInfo.extraData.
import { jwkThumbprint, type PublicJwk } from './jwk';

export function keyAuthorization(token: string, accountJwk: PublicJwk): string {
  return `${token}.${jwkThumbprint(accountJwk)}`;
}
