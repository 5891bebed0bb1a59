// DER encoders (X.690 §10) for the few types certificates, CRLs and CMS need. Output is always
// definite-length and minimal, and SET OF is sorted, so a signature over it verifies everywhere.

type Bytes = Uint8Array;

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const out: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) out.unshift(n & 0xff);
  return Buffer.from([0x80 | out.length, ...out]);
}

/** One element from an identifier octet (class | constructed | tag number < 31) and content. */
export function tlv(identifier: number, content: Bytes): Buffer {
  return Buffer.concat([Buffer.from([identifier]), encodeLength(content.length), content]);
}

export function sequence(...items: Bytes[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

/** SET OF with its elements in DER order (X.690 §11.6): by encoding, shorter padded with zeros. */
export function setOf(items: Bytes[]): Buffer {
  return tlv(0x31, Buffer.concat(sortDer(items)));
}

export function sortDer(items: Bytes[]): Bytes[] {
  return [...items].sort((a, b) => {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = i < a.length ? a[i] : 0;
      const y = i < b.length ? b[i] : 0;
      if (x !== y) return x - y;
    }
    return a.length - b.length;
  });
}

/** INTEGER from a bigint or from unsigned big-endian bytes. */
export function integer(value: bigint | number | Bytes): Buffer {
  let bytes: Buffer;
  if (typeof value === 'bigint' || typeof value === 'number') {
    const v = BigInt(value);
    if (v < 0n) throw new Error('negative INTEGER not supported');
    const hex = v.toString(16);
    bytes = Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
  } else {
    bytes = Buffer.from(value);
  }
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export function enumerated(value: number): Buffer {
  const int = integer(value);
  int[0] = 0x0a;
  return int;
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new Error(`bad OID ${dotted}`);
  const values = [arcs[0] * 40n + arcs[1], ...arcs.slice(2)];
  const out: number[] = [];
  for (const value of values) {
    const chunk: number[] = [];
    let v = value;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

export function nullValue(): Buffer {
  return Buffer.from([0x05, 0x00]);
}

export function boolean(value: boolean): Buffer {
  return tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
}

export function octetString(bytes: Bytes): Buffer {
  return tlv(0x04, bytes);
}

export function bitString(bytes: Bytes, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
}

/** A named-bit BIT STRING (keyUsage), trailing zero bits removed as DER requires (X.690 §11.2.2). */
export function namedBits(bits: number[]): Buffer {
  if (bits.length === 0) return bitString(new Uint8Array(0));
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[Math.floor(bit / 8)] |= 0x80 >> bit % 8;
  return bitString(bytes, 7 - (highest % 8));
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

export function isPrintable(text: string): boolean {
  return PRINTABLE.test(text);
}

export function printableString(text: string): Buffer {
  if (!isPrintable(text)) throw new Error('not a PrintableString');
  return tlv(0x13, Buffer.from(text, 'latin1'));
}

export function utf8String(text: string): Buffer {
  return tlv(0x0c, Buffer.from(text, 'utf8'));
}

export function ia5String(text: string): Buffer {
  return tlv(0x16, Buffer.from(text, 'latin1'));
}

/** PrintableString when the text allows it, UTF8String otherwise (RFC 5280 §4.1.2.6). */
export function directoryString(text: string): Buffer {
  return isPrintable(text) ? printableString(text) : utf8String(text);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function timeDigits(date: Date): string {
  return (
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    pad(date.getUTCHours()) +
    pad(date.getUTCMinutes()) +
    pad(date.getUTCSeconds())
  );
}

export function utcTime(date: Date): Buffer {
  return tlv(0x17, Buffer.from(pad(date.getUTCFullYear() % 100) + timeDigits(date) + 'Z', 'latin1'));
}

export function generalizedTime(date: Date): Buffer {
  return tlv(0x18, Buffer.from(pad(date.getUTCFullYear(), 4) + timeDigits(date) + 'Z', 'latin1'));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(date: Date): Buffer {
  if (Number.isNaN(date.getTime())) throw new Error('invalid date');
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050 ? utcTime(date) : generalizedTime(date);
}

/** [n] EXPLICIT: a constructed context tag around a complete element. */
export function explicit(tagNumber: number, inner: Bytes): Buffer {
  return tlv(0xa0 | tagNumber, inner);
}

/** [n] IMPLICIT: the context tag replaces the element's own tag; pass the content octets. */
export function implicit(tagNumber: number, content: Bytes, constructed: boolean): Buffer {
  return tlv((constructed ? 0xa0 : 0x80) | tagNumber, content);
}

/** AlgorithmIdentifier with absent or given parameters. */
export function algorithmIdentifier(algorithm: string, parameters?: Bytes | null): Buffer {
  return parameters ? sequence(oid(algorithm), parameters) : sequence(oid(algorithm));
}
