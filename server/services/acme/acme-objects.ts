// The JSON resources of RFC 8555 §7.1.2-7.1.5 built from our rows: what clients read back.
import type { AcmeUrls } from '@/lib/acme/urls';
import type { AcmeAccount, AcmeAuthorization, AcmeChallenge, AcmeOrder } from '@/server/db/schema';

const iso = (d: Date | null | undefined) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined);

export function accountObject(account: AcmeAccount, urls: AcmeUrls) {
  return {
    status: account.status,
    contact: account.contact,
    orders: urls.accountOrders(account.id),
  };
}

export function orderObject(order: AcmeOrder, authorizationIds: string[], urls: AcmeUrls) {
  return {
    status: order.status,
    expires: iso(order.expires),
    identifiers: order.identifiers,
    ...(order.notBefore ? { notBefore: iso(order.notBefore) } : {}),
    ...(order.notAfter ? { notAfter: iso(order.notAfter) } : {}),
    ...(order.error ? { error: order.error } : {}),
    authorizations: authorizationIds.map((id) => urls.authorization(id)),
    finalize: urls.finalize(order.id),
    ...(order.certificateId && order.status === 'valid' ? { certificate: urls.certificate(order.certificateId) } : {}),
  };
}

export function challengeObject(challenge: AcmeChallenge, urls: AcmeUrls) {
  return {
    type: challenge.type,
    url: urls.challenge(challenge.id),
    status: challenge.status,
    token: challenge.token,
    ...(challenge.validatedAt ? { validated: iso(challenge.validatedAt) } : {}),
    ...(challenge.error ? { error: challenge.error } : {}),
  };
}

export function authorizationObject(authz: AcmeAuthorization, challenges: AcmeChallenge[], urls: AcmeUrls) {
  return {
    identifier: { type: authz.identifierType, value: authz.identifierValue },
    status: authz.status,
    expires: iso(authz.expires),
    challenges: challenges.map((c) => challengeObject(c, urls)),
  };
}
