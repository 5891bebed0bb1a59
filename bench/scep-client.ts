// The benchmark's SCEP client (RFC 8894 §3.3.1 PKCSReq, §3.3.2 CertRep): RSA-2048 client keys
// made ahead of time, PKIOperation messages built ahead of time, and CertRep replies checked after
// the timed run, so the timed window holds only the servers' work and the HTTP round trips.
import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { buildCertificate, randomSerialNumber } from '@/lib/pki/build-certificate';
import { createSigner } from '@/lib/pki/create-signer';
import { encodeName } from '@/lib/pki/distinguished-name';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import type { ContentCipher } from '@/lib/scep/content-cipher';
import { openEnvelopedData } from '@/lib/scep/open-enveloped-data';
import { readSignedData } from '@/lib/scep/read-signed-data';
import { buildCsr, buildPkiRequest, readCertRep, type ClientIdentity } from '@/lib/scep/testdata/scep-test-client';
import { runConcurrently } from './lib';

const generateRsa = promisify(generateKeyPair);

export interface ClientKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Self-signed certificate the PKCSReq is signed with (RFC 8894 §2.3). */
  certificate: ParsedCertificate;
}

/** RSA-2048 client keys and their self-signed certificates, made on libuv's thread pool. */
export async function generateClientKeys(count: number): Promise<ClientKey[]> {
  const indexes = Array.from({ length: count }, (_, i) => i);
  const { results } = await runConcurrently(indexes, 8, async (i) => {
    const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 });
    const subject = encodeName([['CN', `tessera-bench-client-${i}`]]);
    const now = Date.now();
    const der = buildCertificate({
      serialNumber: randomSerialNumber(),
      issuerDer: subject,
      subjectDer: subject,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 24 * 3600_000),
      subjectPublicKeyInfoDer: publicKey.export({ format: 'der', type: 'spki' }),
      extensions: [],
      signer: createSigner(privateKey),
    });
    return { privateKey, publicKey, certificate: parseCertificate(der) };
  });
  return results;
}

export interface Enrollment {
  identity: ClientIdentity;
  transactionId: string;
  senderNonce: Buffer;
  /** The DER pkiMessage to POST. */
  message: Uint8Array<ArrayBuffer>;
}

export function buildEnrollment(
  key: ClientKey,
  o: { commonName: string; challenge: string; ra: ParsedCertificate; cipher: ContentCipher },
): Enrollment {
  const csr = buildCsr({ key: key.privateKey, publicKey: key.publicKey, subject: [['CN', o.commonName]], challenge: o.challenge });
  const identity: ClientIdentity = { ...key, csr };
  // Like micromdm's scepclient: the transactionID is derived from the key, here made unique per
  // request because the key pool is reused across configurations.
  const transactionId = randomBytes(16).toString('hex').toUpperCase();
  const senderNonce = randomBytes(16);
  const message = new Uint8Array(buildPkiRequest({ identity, recipient: o.ra, cipher: o.cipher, digest: 'sha256', transactionId, senderNonce }));
  return { identity, transactionId, senderNonce, message };
}

export interface Exchange {
  status: number;
  body: Buffer;
  ms: number;
  error?: string;
}

/** One PKIOperation round trip by POST (RFC 8894 §4.3), timed from send to the last byte. */
export async function postPkiOperation(url: string, message: Uint8Array<ArrayBuffer>): Promise<Exchange> {
  const t = performance.now();
  try {
    const res = await fetch(`${url}?operation=PKIOperation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-pki-message' },
      body: message,
    });
    const body = Buffer.from(await res.arrayBuffer());
    return { status: res.status, body, ms: performance.now() - t };
  } catch (err) {
    return { status: 0, body: Buffer.alloc(0), ms: performance.now() - t, error: (err as Error).message };
  }
}

export type Outcome = { ok: true; serial: string } | { ok: false; reason: string };

/**
 * Reads a CertRep as a device would: RA signature valid, CertRep for our transaction and nonce,
 * pkiStatus SUCCESS, and the issued certificate carries the key we asked for.
 */
export function checkCertRep(exchange: Exchange, enrollment: Enrollment, ra: ParsedCertificate): Outcome {
  if (exchange.error) return { ok: false, reason: `transport: ${exchange.error}` };
  if (exchange.status !== 200) return { ok: false, reason: `HTTP ${exchange.status}: ${exchange.body.toString('utf8').slice(0, 120)}` };
  try {
    const rep = readCertRep(exchange.body, { ra, identity: enrollment.identity });
    if (rep.check !== 'valid') return { ok: false, reason: `CertRep signature: ${rep.check}` };
    if (rep.messageType !== '3') return { ok: false, reason: `messageType ${rep.messageType}` };
    if (rep.pkiStatus !== '0') return { ok: false, reason: `pkiStatus ${rep.pkiStatus} failInfo ${rep.failInfo ?? '-'}` };
    if (rep.transactionId !== enrollment.transactionId) return { ok: false, reason: 'transactionID not copied' };
    if (!rep.recipientNonce.equals(enrollment.senderNonce)) return { ok: false, reason: 'recipientNonce is not our senderNonce' };
    const issued = rep.certificates[0];
    if (!issued) return { ok: false, reason: 'no certificate in the CertRep' };
    const wanted = enrollment.identity.publicKey.export({ format: 'der', type: 'spki' });
    if (!Buffer.from(issued.subjectPublicKeyInfoDer).equals(wanted)) return { ok: false, reason: 'issued certificate has another key' };
    return { ok: true, serial: issued.serialNumberHex };
  } catch (err) {
    return { ok: false, reason: `unreadable CertRep: ${(err as Error).message}` };
  }
}

/** The content cipher a server used for its reply envelope (for the report). */
export function replyCipher(exchange: Exchange, enrollment: Enrollment, ra: ParsedCertificate): string {
  try {
    const signed = readSignedData(exchange.body, { extraCertificates: [ra] });
    if (!signed.content) return 'none';
    return openEnvelopedData(signed.content, { certificate: enrollment.identity.certificate, privateKey: enrollment.identity.privateKey }).cipher;
  } catch {
    return 'unknown';
  }
}
