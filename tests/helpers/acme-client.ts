// A small ACME client (RFC 8555) for tests: JWS signing (ES256 by default), nonce handling with
// one retry on badNonce as real clients do, and the device-attest-01 steps. It talks HTTP to the
// real route handlers; raw() lets a test send exactly the JWS it wants (bad signatures, replays).
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { jwkThumbprint, keyObjectToJwk, type PublicJwk } from '@/lib/acme/jwk';

export type Alg = 'ES256' | 'ES384' | 'RS256' | 'EdDSA';

export interface AcmeResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, the text for non-JSON bodies, or null when empty. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  location: string | null;
  nonce: string | null;
}

export interface Directory {
  newNonce: string;
  newAccount: string;
  newOrder: string;
  revokeCert?: string;
  meta?: Record<string, unknown>;
}

const b64u = (v: Uint8Array | string) => Buffer.from(v).toString('base64url');

export function generateAccountKey(alg: Alg = 'ES256'): { privateKey: KeyObject; publicKey: KeyObject; alg: Alg } {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'ES384'
        ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
        : alg === 'RS256'
          ? generateKeyPairSync('rsa', { modulusLength: 2048 })
          : generateKeyPairSync('ed25519');
  return { ...pair, alg };
}

/** Signs a flattened JWS the way an ACME client does. */
export function signJws(
  key: { privateKey: KeyObject; alg: Alg },
  header: Record<string, unknown>,
  payload: unknown,
): { protected: string; payload: string; signature: string } {
  const protectedB64 = b64u(JSON.stringify({ alg: key.alg, ...header }));
  const payloadB64 = payload === '' ? '' : b64u(JSON.stringify(payload));
  const input = Buffer.from(`${protectedB64}.${payloadB64}`);
  const signature =
    key.alg === 'EdDSA'
      ? sign(null, input, key.privateKey)
      : key.alg === 'RS256'
        ? sign('sha256', input, key.privateKey)
        : sign(key.alg === 'ES256' ? 'sha256' : 'sha384', input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return { protected: protectedB64, payload: payloadB64, signature: b64u(signature) };
}

export class AcmeClient {
  readonly key: { privateKey: KeyObject; publicKey: KeyObject; alg: Alg };
  readonly jwk: PublicJwk;
  dir?: Directory;
  kid?: string;
  private nonce?: string;
  /** Every status seen, so a test can assert the server never answered 5xx. */
  readonly statuses: number[] = [];

  constructor(
    readonly directoryUrl: string,
    key?: { privateKey: KeyObject; publicKey: KeyObject; alg: Alg },
  ) {
    this.key = key ?? generateAccountKey('ES256');
    this.jwk = keyObjectToJwk(this.key.publicKey);
  }

  thumbprint(): string {
    return jwkThumbprint(this.jwk);
  }

  keyAuthorization(token: string): string {
    return `${token}.${this.thumbprint()}`;
  }

  private async read(res: Response): Promise<AcmeResponse> {
    this.statuses.push(res.status);
    const nonce = res.headers.get('replay-nonce');
    if (nonce) this.nonce = nonce;
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const body = !text ? null : type.includes('json') ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body, location: res.headers.get('location'), nonce };
  }

  async directory(): Promise<Directory> {
    const res = await this.read(await fetch(this.directoryUrl));
    if (res.status !== 200) throw new Error(`directory: ${res.status}`);
    this.dir = res.body as Directory;
    return this.dir;
  }

  async newNonce(): Promise<string> {
    const dir = this.dir ?? (await this.directory());
    const res = await this.read(await fetch(dir.newNonce, { method: 'HEAD' }));
    if (!res.nonce) throw new Error('newNonce gave no Replay-Nonce');
    this.nonce = undefined;
    return res.nonce;
  }

  private async takeNonce(): Promise<string> {
    const n = this.nonce ?? (await this.newNonce());
    this.nonce = undefined;
    return n;
  }

  /** Sends an exact body (a JWS object or any text) to url. */
  async raw(url: string, body: unknown, contentType = 'application/jose+json'): Promise<AcmeResponse> {
    return this.read(
      await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    );
  }

  /** Builds the JWS for url; a test may override header members or sign with another key. */
  async sign(url: string, payload: unknown, opts: { useJwk?: boolean; header?: Record<string, unknown>; key?: { privateKey: KeyObject; alg: Alg } } = {}) {
    const header: Record<string, unknown> = { nonce: await this.takeNonce(), url };
    if (opts.useJwk || !this.kid) header.jwk = this.jwk;
    else header.kid = this.kid;
    return signJws(opts.key ?? this.key, { ...header, ...opts.header }, payload);
  }

  /** A signed POST ('' payload = POST-as-GET), retried once on badNonce like real clients. */
  async post(url: string, payload: unknown, opts: { useJwk?: boolean } = {}): Promise<AcmeResponse> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.raw(url, await this.sign(url, payload, opts));
      if (res.status === 400 && res.body?.type === 'urn:ietf:params:acme:error:badNonce' && attempt === 0) continue;
      return res;
    }
  }

  async createAccount(payload: Record<string, unknown> = { termsOfServiceAgreed: true }): Promise<AcmeResponse> {
    const dir = this.dir ?? (await this.directory());
    const res = await this.post(dir.newAccount, payload, { useJwk: true });
    if ((res.status === 201 || res.status === 200) && res.location) this.kid = res.location;
    return res;
  }

  async newOrder(identifier: string, extra: Record<string, unknown> = {}): Promise<AcmeResponse> {
    const dir = this.dir ?? (await this.directory());
    return this.post(dir.newOrder, { identifiers: [{ type: 'permanent-identifier', value: identifier }], ...extra });
  }

  /** The device-attest-01 challenge of an order's (only) authorization. */
  async challengeOf(order: { authorizations: string[] }): Promise<{ url: string; token: string; status: string; authzUrl: string }> {
    const authz = await this.post(order.authorizations[0], '');
    const challenge = authz.body.challenges.find((c: { type: string }) => c.type === 'device-attest-01');
    return { url: challenge.url, token: challenge.token, status: challenge.status, authzUrl: order.authorizations[0] };
  }

  respond(challengeUrl: string, attObj: string): Promise<AcmeResponse> {
    return this.post(challengeUrl, { attObj });
  }

  finalize(finalizeUrl: string, csrDer: Uint8Array): Promise<AcmeResponse> {
    return this.post(finalizeUrl, { csr: b64u(csrDer) });
  }
}

export const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest();
