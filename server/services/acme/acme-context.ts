// What every ACME service needs besides the database: the directory's URLs (to build links and
// to check kid and url headers) and the client's address for the audit log.
import type { AcmeUrls } from '@/lib/acme/urls';
import type { AcmeAccount } from '@/server/db/schema';
import type { Actor } from '../actor';

export interface AcmeContext {
  urls: AcmeUrls;
  /** The URL this request arrived at, as the client must have written it in the "url" header. */
  requestUrl: string;
  ip?: string | null;
}

/** Order and authorization lifetime: long enough for an MDM-driven enrollment, short for a token. */
export const ORDER_LIFETIME_MS = 8 * 3600_000;
/** Validity of a certificate issued over ACME, before the issuer's own expiry caps it. */
export const ACME_CERTIFICATE_DAYS = 365;

export const acmeActor = (account: Pick<AcmeAccount, 'id'>, ip?: string | null): Actor => ({
  type: 'acme',
  id: account.id,
  label: `acme:${account.id.slice(0, 8)}`,
  ip: ip ?? null,
});
