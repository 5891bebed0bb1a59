// The CA certificates between the TPM's EK certificate and its manufacturer's root, which Tessera
// needs when it does not ship that vendor's intermediates: from --ek-chain (a PEM bundle), or
// else fetched over the certificate's Authority Information Access "CA Issuers" URLs (RFC 5280
// §4.2.2.1) as vendors publish them. Tessera checks the chain itself; nothing here is trusted.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { pemBlocks } from '@/lib/pki/pem';
import { AgentError } from './errors';

const MAX_CHAIN = 5;
const FETCH_TIMEOUT_MS = 5_000;

export function readChainFile(file: string): Buffer[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AgentError('usage', `--ek-chain ${file} cannot be read: ${(err as Error).message}`);
  }
  const certs = pemBlocks(text, 'CERTIFICATE');
  if (certs.length === 0) throw new AgentError('usage', `--ek-chain ${file} holds no PEM CERTIFICATE`);
  if (certs.length > MAX_CHAIN) throw new AgentError('usage', `--ek-chain ${file} holds ${certs.length} certificates; Tessera takes at most ${MAX_CHAIN}`);
  return certs;
}

function caIssuerUrls(cert: X509Certificate): string[] {
  return [...(cert.infoAccess ?? '').matchAll(/CA Issuers - URI:(\S+)/g)].map((m) => m[1]).filter((u) => /^https?:\/\//.test(u));
}

async function download(url: string): Promise<X509Certificate | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok) return null;
    const bytes = Buffer.from(await res.arrayBuffer());
    const der = bytes[0] === 0x30 ? bytes : pemBlocks(bytes.toString('utf8'), 'CERTIFICATE')[0];
    return der ? new X509Certificate(der) : null;
  } catch {
    return null;
  }
}

/** Follows CA Issuers URLs up from the EK certificate until a self-signed CA or no URL; best effort. */
export async function fetchEkChain(ekCertificate: Buffer, log: (line: string) => void = () => {}): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let current: X509Certificate;
  try {
    current = new X509Certificate(ekCertificate);
  } catch {
    return out;
  }
  while (out.length < MAX_CHAIN) {
    const urls = caIssuerUrls(current);
    if (urls.length === 0) break;
    let issuer: X509Certificate | null = null;
    for (const url of urls) {
      issuer = await download(url);
      if (issuer && current.checkIssued(issuer)) break;
      log(`could not use the EK issuer certificate at ${url}`);
      issuer = null;
    }
    if (!issuer) break;
    if (issuer.checkIssued(issuer)) break; // a root: Tessera must already trust it
    out.push(Buffer.from(issuer.raw));
    current = issuer;
  }
  return out;
}
