// RFC 8555 §6.2-6.5 for every POST: parse the JWS, check its url header against the request,
// find the key (the account named by kid, or the jwk of a new account), verify the signature,
// and only then spend the nonce, so a forged request cannot burn a client's nonces.
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { acmeAccounts, type AcmeAccount } from '@/server/db/schema';
import { jwkThumbprint, jwkToKeyObject, readPublicJwk, type PublicJwk } from '@/lib/acme/jwk';
import { parseJws, verifyJws, type ParsedJws } from '@/lib/acme/jws';
import { AcmeProblem } from '@/lib/acme/problem';
import { accountIdFromKid } from '@/lib/acme/urls';
import type { AcmeContext } from './acme-context';
import { consumeNonce } from './consume-nonce';

export type AuthenticatedRequest =
  | { by: 'kid'; jws: ParsedJws; account: AcmeAccount; jwk: PublicJwk }
  | { by: 'jwk'; jws: ParsedJws; account: null; jwk: PublicJwk; thumbprint: string };

export interface AuthenticateOptions {
  /** newAccount: the request must carry its key as jwk. */
  requireJwk?: boolean;
  /** revokeCert: either form is accepted (the certificate's own key may sign). */
  allowJwk?: boolean;
}

export async function authenticateRequest(db: Db, ctx: AcmeContext, body: string, opts: AuthenticateOptions = {}): Promise<AuthenticatedRequest> {
  const jws = parseJws(body);
  const { header } = jws;
  if (header.url !== ctx.requestUrl) {
    throw new AcmeProblem('unauthorized', `The "url" header (${header.url.slice(0, 300)}) is not the URL this request was sent to`, 401);
  }

  let result: AuthenticatedRequest;
  if (header.jwk) {
    if (!opts.requireJwk && !opts.allowJwk) throw new AcmeProblem('malformed', 'This request must be signed with an account key named by "kid"');
    verifyJws(jws, jwkToKeyObject(header.jwk));
    result = { by: 'jwk', jws, account: null, jwk: header.jwk, thumbprint: jwkThumbprint(header.jwk) };
  } else {
    if (opts.requireJwk) throw new AcmeProblem('malformed', 'A newAccount request must carry the account key as "jwk", not "kid"');
    const accountId = accountIdFromKid(ctx.urls, header.kid!);
    if (!accountId) throw new AcmeProblem('accountDoesNotExist', 'The "kid" is not an account URL of this directory');
    const [account] = await db.select().from(acmeAccounts).where(eq(acmeAccounts.id, accountId));
    if (!account) throw new AcmeProblem('accountDoesNotExist', 'No account exists at this "kid"');
    if (account.status !== 'valid') throw new AcmeProblem('unauthorized', `The account is ${account.status}`, 401);
    const jwk = readPublicJwk(account.jwk);
    verifyJws(jws, jwkToKeyObject(jwk));
    result = { by: 'kid', jws, account, jwk };
  }

  if (!(await consumeNonce(db, header.nonce))) {
    throw new AcmeProblem('badNonce', 'The nonce is unknown, expired or already used; retry with the Replay-Nonce of this response');
  }
  return result;
}
