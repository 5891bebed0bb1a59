// The TPM's key derivation functions (TPM 2.0 Part 1 §11.4.10): KDFa, SP 800-108 counter mode with
// HMAC, and KDFe, SP 800-56A §5.8.1 concatenation with a plain hash. Labels carry their trailing NUL;
// when the requested bit count is not a whole number of bytes, the excess high bits of the first
// byte are cleared, as the TPM reference code does.
import { createHash, createHmac } from 'node:crypto';
import { hashInfo } from './hash';
import { u32 } from './marshal';

function labelBytes(label: string | Uint8Array): Buffer {
  if (typeof label !== 'string') return Buffer.from(label);
  return Buffer.concat([Buffer.from(label, 'latin1'), Buffer.from([0])]);
}

function finish(stream: Buffer, bits: number): Buffer {
  const out = Buffer.from(stream.subarray(0, Math.ceil(bits / 8)));
  if (bits % 8 !== 0) out[0] &= (1 << (bits % 8)) - 1;
  return out;
}

/** KDFa(hashAlg, key, label, contextU, contextV, bits). A string label gets its NUL appended. */
export function kdfa(hashAlg: number, key: Uint8Array, label: string | Uint8Array, contextU: Uint8Array, contextV: Uint8Array, bits: number): Buffer {
  const { node, size } = hashInfo(hashAlg);
  const lab = labelBytes(label);
  const blocks: Buffer[] = [];
  for (let counter = 1; blocks.length * size * 8 < bits; counter++) {
    blocks.push(createHmac(node, key).update(u32(counter)).update(lab).update(contextU).update(contextV).update(u32(bits)).digest());
  }
  return finish(Buffer.concat(blocks), bits);
}

/** KDFe(hashAlg, Z, label, partyUInfo, partyVInfo, bits). A string label gets its NUL appended. */
export function kdfe(hashAlg: number, z: Uint8Array, label: string | Uint8Array, partyUInfo: Uint8Array, partyVInfo: Uint8Array, bits: number): Buffer {
  const { node, size } = hashInfo(hashAlg);
  const lab = labelBytes(label);
  const blocks: Buffer[] = [];
  for (let counter = 1; blocks.length * size * 8 < bits; counter++) {
    blocks.push(createHash(node).update(u32(counter)).update(z).update(lab).update(partyUInfo).update(partyVInfo).digest());
  }
  return finish(Buffer.concat(blocks), bits);
}
