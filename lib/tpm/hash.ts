// TPMI_ALG_HASH values and their Node digest names (Part 2 §9.27). SHA-1 is read (old TPM
// structures use it) but callers that decide trust refuse it.
import { createHash } from 'node:crypto';
import { TPM_ALG } from './constants';
import { TpmError } from './errors';

export type NodeDigest = 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'sha3-256' | 'sha3-384' | 'sha3-512';

const HASHES: Record<number, { node: NodeDigest; size: number }> = {
  [TPM_ALG.SHA1]: { node: 'sha1', size: 20 },
  [TPM_ALG.SHA256]: { node: 'sha256', size: 32 },
  [TPM_ALG.SHA384]: { node: 'sha384', size: 48 },
  [TPM_ALG.SHA512]: { node: 'sha512', size: 64 },
  [TPM_ALG.SHA3_256]: { node: 'sha3-256', size: 32 },
  [TPM_ALG.SHA3_384]: { node: 'sha3-384', size: 48 },
  [TPM_ALG.SHA3_512]: { node: 'sha3-512', size: 64 },
};

export function isHashAlg(alg: number): boolean {
  return alg in HASHES;
}

export function hashInfo(alg: number): { node: NodeDigest; size: number } {
  const h = HASHES[alg];
  if (!h) throw new TpmError('unsupported', `hash algorithm 0x${alg.toString(16).padStart(4, '0')} is not supported`);
  return h;
}

export function digest(alg: number, ...parts: Uint8Array[]): Buffer {
  const h = createHash(hashInfo(alg).node);
  for (const p of parts) h.update(p);
  return h.digest();
}
