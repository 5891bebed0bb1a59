// Big-endian TPM 2.0 marshalling (Part 2 §4, §10.4 TPM2B): a bounds-checked reader and the few
// writers the attestation code needs. Every read past the end is a TpmError('malformed').
import { TpmError } from './errors';

export class TpmReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what = 'TPM structure',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number, field: string) {
    if (this.offset + n > this.bytes.length) {
      throw new TpmError('malformed', `${this.what} ends inside ${field} (needs ${n} more bytes at offset ${this.offset}, has ${this.remaining})`);
    }
  }

  u8(field = 'a byte'): number {
    this.need(1, field);
    return this.view.getUint8(this.offset++);
  }

  u16(field = 'a UINT16'): number {
    this.need(2, field);
    const v = this.view.getUint16(this.offset);
    this.offset += 2;
    return v;
  }

  u32(field = 'a UINT32'): number {
    this.need(4, field);
    const v = this.view.getUint32(this.offset);
    this.offset += 4;
    return v;
  }

  u64(field = 'a UINT64'): bigint {
    this.need(8, field);
    const v = this.view.getBigUint64(this.offset);
    this.offset += 8;
    return v;
  }

  bytesOf(n: number, field = 'a byte array'): Uint8Array {
    this.need(n, field);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** A TPM2B: UINT16 size then that many bytes; `max` is the structure's upper bound. */
  tpm2b(field: string, max = 0xffff): Uint8Array {
    const size = this.u16(`the size of ${field}`);
    if (size > max) throw new TpmError('malformed', `${field} is ${size} bytes, more than its maximum of ${max}`);
    return this.bytesOf(size, field);
  }

  /** The bytes read so far from `start` (for structures whose encoding is hashed or signed). */
  slice(start: number, end = this.offset): Uint8Array {
    return this.bytes.subarray(start, end);
  }

  /** Refuses trailing bytes: a structure with extra data after it is not the structure we read. */
  end(): void {
    if (this.offset !== this.bytes.length) {
      throw new TpmError('malformed', `${this.what} has ${this.bytes.length - this.offset} unexpected trailing bytes`);
    }
  }
}

export function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}

export function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

export function u64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(v);
  return b;
}

export function tpm2b(content: Uint8Array): Buffer {
  if (content.length > 0xffff) throw new TpmError('malformed', 'TPM2B content is larger than 65535 bytes');
  return Buffer.concat([u16(content.length), content]);
}

/** Splits a TPM2B into its content, refusing a size that disagrees with the buffer. */
export function unwrapTpm2b(bytes: Uint8Array, what: string): Uint8Array {
  const r = new TpmReader(bytes, what);
  const content = r.tpm2b(what);
  r.end();
  return content;
}
