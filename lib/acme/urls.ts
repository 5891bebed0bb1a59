// The URLs of one ACME directory (RFC 8555 §7.1.1). Every resource hangs under
// <base>/acme/<authority>/, so the kid of an account and the url header of each request can be
// compared with what the server itself hands out.

export interface AcmeUrls {
  base: string;
  directory: string;
  newNonce: string;
  newAccount: string;
  newOrder: string;
  revokeCert: string;
  account(id: string): string;
  accountOrders(id: string): string;
  order(id: string): string;
  finalize(id: string): string;
  authorization(id: string): string;
  challenge(id: string): string;
  certificate(id: string): string;
}

export function acmeUrls(publicBase: string, authority: string): AcmeUrls {
  const base = `${publicBase.replace(/\/+$/, '')}/acme/${encodeURIComponent(authority)}`;
  return {
    base,
    directory: `${base}/directory`,
    newNonce: `${base}/new-nonce`,
    newAccount: `${base}/new-account`,
    newOrder: `${base}/new-order`,
    revokeCert: `${base}/revoke-cert`,
    account: (id) => `${base}/acct/${id}`,
    accountOrders: (id) => `${base}/acct/${id}/orders`,
    order: (id) => `${base}/order/${id}`,
    finalize: (id) => `${base}/order/${id}/finalize`,
    authorization: (id) => `${base}/authz/${id}`,
    challenge: (id) => `${base}/chall/${id}`,
    certificate: (id) => `${base}/cert/${id}`,
  };
}

/** The account id in a kid URL of this directory, or null when the URL is not one of ours. */
export function accountIdFromKid(urls: AcmeUrls, kid: string): string | null {
  const prefix = `${urls.base}/acct/`;
  if (!kid.startsWith(prefix)) return null;
  const id = kid.slice(prefix.length);
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id) ? id : null;
}
