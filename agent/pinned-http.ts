// HTTP for the agent, trusting exactly one root: the Tessera Agents root whose SHA-256 fingerprint
// the administrator gave (--fingerprint / agent.yaml). The root is downloaded once from
// /pki/agents/root.pem, accepted only if its fingerprint matches, kept in the state directory, and
// then is the only CA an https:// server certificate may chain to (node:https with `ca`). Over
// http:// (tests, labs) there is no TLS to pin; the fingerprint still authenticates the root the
// issued certificate chain is checked against.
import { createHash, X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { AgentError } from './errors';

const MAX_BODY = 1024 * 1024;
const TIMEOUT_MS = 30_000;

export type TlsTrust = 'pinned' | 'system';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestTiming {
  method: string;
  url: string;
  status: number;
  /** From sending the request to the last byte of the answer. */
  ms: number;
  /** The server's own time for the request, when it sends a Server-Timing header with a dur. */
  serverMs?: number;
}

function serverTiming(res: HttpResponse): number | undefined {
  const header = res.headers['server-timing'];
  const m = /dur=([0-9.]+)/.exec(Array.isArray(header) ? header.join(',') : (header ?? ''));
  return m ? Number(m[1]) : undefined;
}

export interface PinnedHttpOptions {
  /** `pinned` (default): only the pinned root is trusted for TLS. `system`: the system CAs too. */
  tlsTrust?: TlsTrust;
  /** A root kept from an earlier run; used instead of downloading when its fingerprint matches. */
  cachedRootPem?: string | null;
  /** Called after every request (the benchmark sums these). */
  onTiming?: (timing: RequestTiming) => void;
}

/** Lowercase hex without separators, or null when it is not a SHA-256 fingerprint. */
export function normaliseFingerprint(value: string): string | null {
  const hex = value.replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

function firstCertificate(pem: string): X509Certificate | null {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!m) return null;
  try {
    return new X509Certificate(m[0]);
  } catch {
    return null;
  }
}

export function fingerprintOf(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}

const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

function networkError(url: string, err: NodeJS.ErrnoException, tlsTrust: TlsTrust): AgentError {
  const code = err.code ?? '';
  if (TLS_TRUST_CODES.has(code)) {
    return new AgentError(
      'network',
      `TLS: the certificate of ${new URL(url).host} does not chain to ${tlsTrust === 'pinned' ? 'the pinned Tessera Agents root' : 'a trusted CA'} (${code})`,
      { hint: tlsTrust === 'pinned' ? 'If Tessera serves HTTPS with a certificate from a public CA, run with --tls-trust system (agent.yaml: tls-trust: system)' : undefined },
      { cause: err },
    );
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL')) {
    return new AgentError('network', `TLS with ${new URL(url).host} failed: ${err.message}`, {}, { cause: err });
  }
  const what = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' ? 'host not found' : code === 'ETIMEDOUT' ? 'timed out' : err.message;
  return new AgentError('network', `Cannot reach ${url}: ${what}`, { hint: 'Check --server (agent.yaml ca-url) and the network' }, { cause: err });
}

export class PinnedHttp {
  private readonly agent: http.Agent;

  private constructor(
    /** The server's base URL without a trailing slash. */
    readonly base: string,
    /** The pinned Agents root. */
    readonly root: X509Certificate,
    readonly rootPem: string,
    private readonly tlsTrust: TlsTrust,
    private readonly onTiming?: (timing: RequestTiming) => void,
  ) {
    const isHttps = base.startsWith('https:');
    this.agent = isHttps
      ? new https.Agent({ keepAlive: true, ca: tlsTrust === 'pinned' ? [rootPem] : [...rootCertificates, rootPem] })
      : new http.Agent({ keepAlive: true });
  }

  /**
   * Fetches (or reuses) the root and checks it against the fingerprint. Over https the download
   * itself is not verified: nothing is trusted before the fingerprint matches, as in `step ca
   * bootstrap`.
   */
  static async bootstrap(server: string, fingerprint: string, options: PinnedHttpOptions = {}): Promise<PinnedHttp> {
    let base: URL;
    try {
      base = new URL(server);
    } catch {
      throw new AgentError('usage', `--server "${server}" is not an absolute URL (e.g. https://tessera.example.com)`);
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new AgentError('usage', `--server must be an http(s) URL, not ${base.protocol}`);
    const pin = normaliseFingerprint(fingerprint);
    if (!pin) throw new AgentError('usage', '--fingerprint must be the SHA-256 of the Tessera Agents root: 64 hex digits (colons allowed)');
    const baseUrl = base.toString().replace(/\/+$/, '');
    const tlsTrust = options.tlsTrust ?? 'pinned';

    const cached = options.cachedRootPem ? firstCertificate(options.cachedRootPem) : null;
    if (cached && fingerprintOf(cached) === pin) return new PinnedHttp(baseUrl, cached, cached.toString(), tlsTrust, options.onTiming);

    const url = `${baseUrl}/pki/agents/root.pem`;
    const t0 = performance.now();
    const res = await send(url, 'GET', undefined, {}, baseUrl.startsWith('https:') ? new https.Agent({ rejectUnauthorized: false }) : undefined, tlsTrust);
    options.onTiming?.({ method: 'GET', url, status: res.status, ms: performance.now() - t0, serverMs: serverTiming(res) });
    if (res.status !== 200) throw new AgentError('network', `${url} answered ${res.status}; is ${baseUrl} a Tessera server?`);
    const root = firstCertificate(res.body.toString('utf8'));
    if (!root) throw new AgentError('network', `${url} did not return a PEM certificate; is ${baseUrl} a Tessera server?`);
    const actual = fingerprintOf(root);
    if (actual !== pin) {
      throw new AgentError('network', `The root served by ${baseUrl} has SHA-256 fingerprint ${actual}, not the pinned ${pin}: refusing to trust this server`, {
        hint: 'Check --fingerprint (agent.yaml fingerprint) against Certificates → Authorities in the Tessera console',
      });
    }
    if (!root.ca) throw new AgentError('network', `The certificate at ${url} matches the fingerprint but is not a CA certificate`);
    return new PinnedHttp(baseUrl, root, root.toString(), tlsTrust, options.onTiming);
  }

  url(pathname: string): string {
    return `${this.base}${pathname.startsWith('/') ? '' : '/'}${pathname}`;
  }

  /** A request to this server (absolute URLs must be on it: ACME hands out absolute URLs). */
  async request(method: string, url: string, body?: { contentType: string; data: string | Buffer }, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const target = new URL(url);
    if (target.origin !== new URL(this.base).origin) {
      throw new AgentError('refused', `The server pointed the agent to ${target.origin}, which is not ${new URL(this.base).origin}; refusing to follow`);
    }
    const t0 = performance.now();
    const res = await send(url, method, body, headers, this.agent, this.tlsTrust);
    this.onTiming?.({ method, url, status: res.status, ms: performance.now() - t0, serverMs: serverTiming(res) });
    return res;
  }

  close(): void {
    this.agent.destroy();
  }
}

function send(url: string, method: string, body: { contentType: string; data: string | Buffer } | undefined, headers: Record<string, string>, agent: http.Agent | undefined, tlsTrust: TlsTrust): Promise<HttpResponse> {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  const data = body ? Buffer.from(body.data) : undefined;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      {
        method,
        agent,
        headers: {
          'user-agent': 'tessera-agent',
          ...(data ? { 'content-type': body!.contentType, 'content-length': String(data.length) } : {}),
          ...headers,
        },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) {
            req.destroy(new Error(`the answer is larger than ${MAX_BODY} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (err) => reject(networkError(url, err, tlsTrust)));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => reject(err instanceof AgentError ? err : networkError(url, err, tlsTrust)));
    req.end(data);
  });
}
