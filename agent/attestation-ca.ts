// Client of Tessera's TPM attestation CA (docs/attestation.md "TPM attestation CA"): send the EK
// and the AK's public area, get a TPM2_MakeCredential challenge, answer it with the secret the TPM
// released, receive the AK certificate chain.
import { parseCertificate } from '@/lib/pki/parse-certificate';
import { akCertificateEkUris } from '@/lib/tpm/ak-certificate';
import { AgentError } from './errors';
import type { PinnedHttp } from './pinned-http';

export interface AkChallengeRequest {
  ekCertificate?: Buffer;
  ekCertificateChain?: Buffer[];
  ekPublic: Buffer;
  akPublic: Buffer;
}

export interface AkChallenge {
  sessionId: string;
  ekUri: string;
  akName: string;
  /** tpm2_makecredential's file format, base64: what tpm2_activatecredential -i reads. */
  tpm2ToolsCredential: string;
  expiresAt: string;
}

export interface AkActivation {
  ekUri: string;
  certificatePem: string;
  chainPem: string;
  /** AK certificate then the attestation intermediate, base64 DER (attStmt.x5c). */
  x5c: string[];
  serialHex: string;
  notAfter: string;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

async function postJson<T>(http: PinnedHttp, path: string, body: unknown, what: string): Promise<T> {
  const res = await http.request('POST', http.url(path), { contentType: 'application/json', data: JSON.stringify(body) });
  let parsed: Record<string, unknown> | null = null;
  try {
    parsed = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    parsed = null;
  }
  if (res.status !== 200) {
    const message = typeof parsed?.message === 'string' ? parsed.message : res.body.toString('utf8').slice(0, 200) || 'no message';
    throw new AgentError('refused', `Tessera's attestation CA refused ${what} (HTTP ${res.status}): ${message}`, { status: res.status });
  }
  if (!parsed) throw new AgentError('refused', `Tessera's attestation CA answered ${what} with something that is not JSON`);
  return parsed as T;
}

export function requestAkChallenge(http: PinnedHttp, req: AkChallengeRequest): Promise<AkChallenge> {
  return postJson<AkChallenge>(
    http,
    '/attestation/v1/ak-challenge',
    {
      ...(req.ekCertificate ? { ekCertificate: b64(req.ekCertificate) } : {}),
      ...(req.ekCertificateChain?.length ? { ekCertificateChain: req.ekCertificateChain.map(b64) } : {}),
      ekPublic: b64(req.ekPublic),
      akPublic: b64(req.akPublic),
    },
    'the AK challenge',
  );
}

export async function activateAk(http: PinnedHttp, sessionId: string, secret: Buffer, expectedEkUri: string): Promise<AkActivation> {
  const activation = await postJson<AkActivation>(http, '/attestation/v1/ak-activate', { sessionId, secret: b64(secret) }, 'the credential activation');
  if (!Array.isArray(activation.x5c) || activation.x5c.length === 0) throw new AgentError('refused', 'The attestation CA returned no AK certificate');
  // The AK certificate must name this TPM: a certificate for another EK would only fail later, at ACME.
  let ekUris: string[];
  try {
    ekUris = akCertificateEkUris(parseCertificate(Buffer.from(activation.x5c[0], 'base64')));
  } catch (err) {
    throw new AgentError('refused', `The AK certificate cannot be read: ${(err as Error).message}`);
  }
  if (!ekUris.includes(expectedEkUri)) {
    throw new AgentError('refused', `The AK certificate does not name this TPM's EK (${expectedEkUri})`);
  }
  return activation;
}
