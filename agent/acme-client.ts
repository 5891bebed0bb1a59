// The agent's ACME client (RFC 8555) for device-attest-01: ES256 account key, nonces taken from
// every answer (one newNonce when none is at hand, retried on badNonce as §6.5 allows), POST-as-GET,
// polling with Retry-After. Refusals become AgentErrors that carry the server's problem document.
import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { jwkThumbprint, keyObjectToJwk, type PublicJwk } from '@/lib/acme/jwk';
import { AgentError, describeProblem, problemName, type ProblemDetail } from './errors';
import type { HttpResponse, PinnedHttp } from './pinned-http';

export interface AcmeDirectory {
  newNonce: string;
  newAccount: string;
  newOrder: string;
  revokeCert?: string;
}

export interface AcmeOrder {
  status: 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';
  expires?: string;
  identifiers: Array<{ type: string; value: string }>;
  authorizations: string[];
  finalize: string;
  certificate?: string;
  error?: ProblemDetail;
}

export interface AcmeChallenge {
  type: string;
  url: string;
  status: 'pending' | 'processing' | 'valid' | 'invalid';
  token: string;
  error?: ProblemDetail;
}

export interface AcmeAuthorization {
  status: 'pending' | 'valid' | 'invalid' | 'deactivated' | 'expired' | 'revoked';
  identifier: { type: string; value: string };
  challenges: AcmeChallenge[];
}

export interface AcmeReply<T = unknown> {
  status: number;
  body: T;
  location: string | null;
  retryAfterMs: number | null;
  response: HttpResponse;
}

const b64u = (v: Uint8Array | string) => Buffer.from(v).toString('base64url');
const header = (res: HttpResponse, name: string) => {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : (v ?? null);
};

function retryAfter(res: HttpResponse): number | null {
  const v = header(res, 'retry-after');
  if (!v) return null;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

export class AcmeRefusal extends AgentError {
  constructor(
    what: string,
    readonly status: number,
    readonly problem: ProblemDetail,
  ) {
    super('refused', `ACME ${what} refused (HTTP ${status}, ${describeProblem(problem)})`, { problem, status });
  }
}

export class AcmeClient {
  readonly jwk: PublicJwk;
  kid?: string;
  private dir?: AcmeDirectory;
  private nonce: string | null = null;

  constructor(
    private readonly http: PinnedHttp,
    readonly directoryUrl: string,
    private readonly accountKey: KeyObject,
  ) {
    if (accountKey.asymmetricKeyType !== 'ec' || accountKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new AgentError('usage', 'The ACME account key must be an ECDSA P-256 key');
    }
    this.jwk = keyObjectToJwk(createPublicKey(accountKey));
  }

  thumbprint(): string {
    return jwkThumbprint(this.jwk);
  }

  keyAuthorization(token: string): string {
    return `${token}.${this.thumbprint()}`;
  }

  private remember(res: HttpResponse) {
    const nonce = header(res, 'replay-nonce');
    if (nonce) this.nonce = nonce;
  }

  async directory(): Promise<AcmeDirectory> {
    if (this.dir) return this.dir;
    const res = await this.http.request('GET', this.directoryUrl);
    this.remember(res);
    if (res.status !== 200) throw new AgentError('refused', `The ACME directory ${this.directoryUrl} answered HTTP ${res.status}`, { status: res.status });
    try {
      this.dir = JSON.parse(res.body.toString('utf8')) as AcmeDirectory;
    } catch {
      throw new AgentError('refused', `The ACME directory ${this.directoryUrl} is not JSON`);
    }
    if (!this.dir.newNonce || !this.dir.newAccount || !this.dir.newOrder) throw new AgentError('refused', 'The ACME directory lacks newNonce, newAccount or newOrder');
    return this.dir;
  }

  private async takeNonce(): Promise<string> {
    if (this.nonce) {
      const n = this.nonce;
      this.nonce = null;
      return n;
    }
    const res = await this.http.request('HEAD', (await this.directory()).newNonce);
    const n = header(res, 'replay-nonce');
    if (!n) throw new AgentError('refused', `newNonce (HTTP ${res.status}) gave no Replay-Nonce`);
    return n;
  }

  /** A flattened JWS (RFC 8555 §6.2) over `payload` ('' = POST-as-GET), signed ES256. */
  async signedBody(url: string, payload: unknown, opts: { useJwk?: boolean; nonce?: string } = {}): Promise<string> {
    const protectedHeader: Record<string, unknown> = { alg: 'ES256', nonce: opts.nonce ?? (await this.takeNonce()), url };
    if (opts.useJwk || !this.kid) protectedHeader.jwk = this.jwk;
    else protectedHeader.kid = this.kid;
    const protectedB64 = b64u(JSON.stringify(protectedHeader));
    const payloadB64 = payload === '' ? '' : b64u(JSON.stringify(payload));
    const signature = sign('sha256', Buffer.from(`${protectedB64}.${payloadB64}`), { key: this.accountKey, dsaEncoding: 'ieee-p1363' });
    return JSON.stringify({ protected: protectedB64, payload: payloadB64, signature: b64u(signature) });
  }

  private read<T>(res: HttpResponse): AcmeReply<T> {
    this.remember(res);
    const type = String(header(res, 'content-type') ?? '');
    const text = res.body.toString('utf8');
    let body: unknown = text;
    if (type.includes('json') && text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: res.status, body: body as T, location: header(res, 'location'), retryAfterMs: retryAfter(res), response: res };
  }

  /** POSTs a signed request; a badNonce answer is retried (twice) with the fresh nonce it carried. */
  async post<T = unknown>(url: string, payload: unknown, opts: { useJwk?: boolean; nonce?: string } = {}): Promise<AcmeReply<T>> {
    for (let attempt = 0; ; attempt++) {
      const body = await this.signedBody(url, payload, attempt === 0 ? opts : { useJwk: opts.useJwk });
      const reply = this.read<T>(await this.http.request('POST', url, { contentType: 'application/jose+json', data: body }));
      const problem = reply.body as ProblemDetail | undefined;
      if (reply.status === 400 && problemName(problem?.type) === 'badNonce' && attempt < 2) continue;
      return reply;
    }
  }

  /** Like post, but any answer other than 2xx is an AcmeRefusal. */
  async postOk<T = unknown>(url: string, payload: unknown, what: string, opts: { useJwk?: boolean } = {}): Promise<AcmeReply<T>> {
    const reply = await this.post<T>(url, payload, opts);
    if (reply.status < 200 || reply.status >= 300) {
      const problem = typeof reply.body === 'object' && reply.body ? (reply.body as ProblemDetail) : { detail: String(reply.body).slice(0, 200) };
      throw new AcmeRefusal(what, reply.status, problem);
    }
    return reply;
  }

  /** newAccount with the account key (201 new, 200 existing); remembers the account URL. */
  async account(): Promise<string> {
    const dir = await this.directory();
    const reply = await this.postOk<{ status: string }>(dir.newAccount, { termsOfServiceAgreed: true }, 'newAccount', { useJwk: true });
    if (!reply.location) throw new AgentError('refused', 'newAccount answered without a Location (the account URL)');
    if (reply.body.status !== 'valid') throw new AgentError('refused', `The ACME account is ${reply.body.status}`);
    this.kid = reply.location;
    return reply.location;
  }

  async newOrder(permanentIdentifier: string): Promise<{ url: string; order: AcmeOrder }> {
    const dir = await this.directory();
    const reply = await this.postOk<AcmeOrder>(dir.newOrder, { identifiers: [{ type: 'permanent-identifier', value: permanentIdentifier }] }, 'newOrder');
    if (!reply.location) throw new AgentError('refused', 'newOrder answered without a Location (the order URL)');
    return { url: reply.location, order: reply.body };
  }

  async order(url: string): Promise<AcmeOrder> {
    return (await this.postOk<AcmeOrder>(url, '', 'order')).body;
  }

  async authorization(url: string): Promise<AcmeAuthorization> {
    return (await this.postOk<AcmeAuthorization>(url, '', 'authorization')).body;
  }

  /** Polls until `done` holds or the time is up, sleeping as the server's Retry-After says (1 s by default, at most 10 s). */
  async poll<T>(url: string, what: string, done: (body: T) => boolean, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reply = await this.postOk<T>(url, '', what);
      if (done(reply.body)) return reply.body;
      if (Date.now() > deadline) throw new AgentError('refused', `The ${what} at ${url} did not settle within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, Math.min(10_000, reply.retryAfterMs ?? 1000)));
    }
  }

  async certificateChain(url: string): Promise<string> {
    const reply = await this.postOk<string>(url, '', 'certificate download');
    if (typeof reply.body !== 'string' || !reply.body.includes('-----BEGIN CERTIFICATE-----')) throw new AgentError('refused', 'The certificate download is not a PEM chain');
    return reply.body;
  }
}
