// A small, bounds-checked reader for DER and the BER forms real clients send (X.690 §8):
// indefinite lengths and constructed OCTET STRINGs appear in CMS from some SCEP clients.
// Every malformed input ends in a DerError, never in a RangeError or a hang, because the
// bytes come straight from the network.

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export const TagClass = { universal: 0, application: 1, context: 2, private: 3 } as const;

export const Tag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  oid: 6,
  enumerated: 10,
  utf8String: 12,
  sequence: 16,
  set: 17,
  printableString: 19,
  teletexString: 20,
  ia5String: 22,
  utcTime: 23,
  generalizedTime: 24,
  universalString: 28,
  bmpString: 30,
} as const;

export interface DerNode {
  tagClass: number;
  constructed: boolean;
  tagNumber: number;
  /** The whole element as received: identifier, length, content (and end-of-contents if any). */
  bytes: Uint8Array;
  /** The content octets (for indefinite lengths, without the end-of-contents marker). */
  content: Uint8Array;
  indefinite: boolean;
  /** Children of a constructed element, parsed on first use. */
  children(): DerNode[];
}

// Deep nesting only comes from hostile input; real certificates and CMS stay under 20 levels.
const MAX_DEPTH = 48;

interface Parsed {
  node: DerNode;
  end: number;
}

function parseElement(buf: Uint8Array, offset: number, depth: number): Parsed {
  if (depth > MAX_DEPTH) throw new DerError('nesting too deep');
  let pos = offset;
  if (pos >= buf.length) throw new DerError('unexpected end of data (identifier)');
  const first = buf[pos++];
  const tagClass = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    // High tag number form (X.690 §8.1.2.4); capped so the number stays a small integer.
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (pos >= buf.length) throw new DerError('unexpected end of data (tag)');
      if (i >= 4) throw new DerError('tag number too large');
      const b = buf[pos++];
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= buf.length) throw new DerError('unexpected end of data (length)');
  const lengthByte = buf[pos++];
  let length = -1;
  if (lengthByte < 0x80) {
    length = lengthByte;
  } else if (lengthByte === 0x80) {
    if (!constructed) throw new DerError('indefinite length on a primitive element');
  } else {
    const count = lengthByte & 0x7f;
    if (count > 4) throw new DerError('length too large');
    if (pos + count > buf.length) throw new DerError('unexpected end of data (length)');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos++];
  }

  if (length >= 0) {
    const end = pos + length;
    if (end > buf.length) throw new DerError('element longer than the data');
    const content = buf.subarray(pos, end);
    const node = makeNode(buf.subarray(offset, end), content, tagClass, constructed, tagNumber, false, depth);
    return { node, end };
  }

  // Indefinite length: the children run until an end-of-contents (00 00) element.
  const kids: DerNode[] = [];
  const contentStart = pos;
  for (;;) {
    if (pos + 2 > buf.length) throw new DerError('missing end-of-contents');
    if (buf[pos] === 0 && buf[pos + 1] === 0) break;
    const child = parseElement(buf, pos, depth + 1);
    kids.push(child.node);
    pos = child.end;
  }
  const content = buf.subarray(contentStart, pos);
  const end = pos + 2;
  const node = makeNode(buf.subarray(offset, end), content, tagClass, constructed, tagNumber, true, depth);
  node.children = () => kids;
  return { node, end };
}

function makeNode(
  bytes: Uint8Array,
  content: Uint8Array,
  tagClass: number,
  constructed: boolean,
  tagNumber: number,
  indefinite: boolean,
  depth: number,
): DerNode {
  let cached: DerNode[] | undefined;
  return {
    tagClass,
    constructed,
    tagNumber,
    bytes,
    content,
    indefinite,
    children() {
      if (cached) return cached;
      if (!constructed) throw new DerError('primitive element has no children');
      const out: DerNode[] = [];
      let pos = 0;
      while (pos < content.length) {
        const child = parseElement(content, pos, depth + 1);
        out.push(child.node);
        pos = child.end;
      }
      cached = out;
      return out;
    },
  };
}

/** Parses exactly one element; trailing bytes are an error unless allowed. */
export function readDer(input: Uint8Array, options: { allowTrailing?: boolean } = {}): DerNode {
  const { node, end } = parseElement(input, 0, 0);
  if (!options.allowTrailing && end !== input.length) throw new DerError('trailing data after element');
  return node;
}

function describe(node: DerNode): string {
  return `[class ${node.tagClass} ${node.constructed ? 'constructed' : 'primitive'} tag ${node.tagNumber}]`;
}

export function isUniversal(node: DerNode, tag: number): boolean {
  return node.tagClass === TagClass.universal && node.tagNumber === tag;
}

export function isContext(node: DerNode, tag: number): boolean {
  return node.tagClass === TagClass.context && node.tagNumber === tag;
}

function expectUniversal(node: DerNode, tag: number, what: string): void {
  if (!isUniversal(node, tag)) throw new DerError(`expected ${what}, found ${describe(node)}`);
}

/** The children of a SEQUENCE, checking the count is within bounds. */
export function readSequence(node: DerNode, min = 0, max = Infinity): DerNode[] {
  expectUniversal(node, Tag.sequence, 'SEQUENCE');
  if (!node.constructed) throw new DerError('SEQUENCE must be constructed');
  const kids = node.children();
  if (kids.length < min || kids.length > max) throw new DerError(`SEQUENCE has ${kids.length} elements`);
  return kids;
}

export function readSet(node: DerNode): DerNode[] {
  expectUniversal(node, Tag.set, 'SET');
  if (!node.constructed) throw new DerError('SET must be constructed');
  return node.children();
}

/** Children of a constructed element of any tag (e.g. [0] IMPLICIT SET OF). */
export function readConstructed(node: DerNode): DerNode[] {
  if (!node.constructed) throw new DerError(`expected constructed element, found ${describe(node)}`);
  return node.children();
}

export function readOid(node: DerNode): string {
  expectUniversal(node, Tag.oid, 'OBJECT IDENTIFIER');
  const c = node.content;
  if (c.length === 0 || c.length > 64) throw new DerError('bad OBJECT IDENTIFIER length');
  const arcs: string[] = [];
  let value = 0n;
  let first = true;
  for (let i = 0; i < c.length; i++) {
    value = (value << 7n) | BigInt(c[i] & 0x7f);
    if ((c[i] & 0x80) === 0) {
      if (first) {
        const x = value < 40n ? 0n : value < 80n ? 1n : 2n;
        arcs.push(x.toString(), (value - x * 40n).toString());
        first = false;
      } else {
        arcs.push(value.toString());
      }
      value = 0n;
    } else if (i === c.length - 1) {
      throw new DerError('truncated OBJECT IDENTIFIER');
    }
  }
  return arcs.join('.');
}

/** INTEGER content octets as received (two's complement, big-endian). */
export function readIntegerBytes(node: DerNode): Uint8Array {
  if (!(isUniversal(node, Tag.integer) || isUniversal(node, Tag.enumerated)) || node.constructed) {
    throw new DerError(`expected INTEGER, found ${describe(node)}`);
  }
  if (node.content.length === 0) throw new DerError('empty INTEGER');
  return node.content;
}

/** A small INTEGER or ENUMERATED as a number (versions, reason codes). */
export function readSmallInteger(node: DerNode): number {
  const bytes = readIntegerBytes(node);
  if (bytes.length > 4) throw new DerError('INTEGER too large');
  let unsigned = 0;
  for (const b of bytes) unsigned = unsigned * 256 + b;
  return bytes[0] & 0x80 ? unsigned - 2 ** (8 * bytes.length) : unsigned;
}

/** OCTET STRING content; constructed (BER) strings are concatenated. */
export function readOctetString(node: DerNode): Uint8Array {
  return readStringBytes(node, Tag.octetString, 'OCTET STRING');
}

/**
 * Content of a string-like element that may be primitive or constructed. The tag is checked only
 * for universal elements, so an IMPLICIT context tag ([0] in EncryptedContentInfo) works too.
 */
export function readStringBytes(node: DerNode, tag: number, what = 'string'): Uint8Array {
  if (node.tagClass === TagClass.universal && node.tagNumber !== tag) {
    throw new DerError(`expected ${what}, found ${describe(node)}`);
  }
  if (!node.constructed) return node.content;
  const parts: Uint8Array[] = [];
  const collect = (n: DerNode) => {
    for (const child of n.children()) {
      if (child.tagClass !== TagClass.universal || child.tagNumber !== tag) {
        throw new DerError(`constructed ${what} holds ${describe(child)}`);
      }
      if (child.constructed) collect(child);
      else parts.push(child.content);
    }
  };
  collect(node);
  return Buffer.concat(parts);
}

export function readBitString(node: DerNode): { unusedBits: number; bytes: Uint8Array } {
  expectUniversal(node, Tag.bitString, 'BIT STRING');
  if (node.constructed) throw new DerError('constructed BIT STRING not supported');
  if (node.content.length === 0) throw new DerError('empty BIT STRING');
  const unusedBits = node.content[0];
  if (unusedBits > 7 || (unusedBits > 0 && node.content.length === 1)) throw new DerError('bad BIT STRING');
  return { unusedBits, bytes: node.content.subarray(1) };
}

export function readBoolean(node: DerNode): boolean {
  expectUniversal(node, Tag.boolean, 'BOOLEAN');
  if (node.content.length !== 1) throw new DerError('bad BOOLEAN');
  return node.content[0] !== 0;
}

/** Any of the character string types used in names and attributes, decoded to a JS string. */
export function readString(node: DerNode): string {
  if (node.tagClass !== TagClass.universal) throw new DerError(`expected a string, found ${describe(node)}`);
  const bytes = readStringBytes(node, node.tagNumber);
  switch (node.tagNumber) {
    case Tag.utf8String:
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new DerError('invalid UTF-8 in UTF8String');
      }
    case Tag.printableString:
    case Tag.ia5String:
    case Tag.teletexString: // T.61 is treated as Latin-1, which is what every real encoder meant.
      return Buffer.from(bytes).toString('latin1');
    case Tag.bmpString: {
      if (bytes.length % 2) throw new DerError('odd-length BMPString');
      const swapped = Buffer.from(bytes);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    case Tag.universalString: {
      if (bytes.length % 4) throw new DerError('bad UniversalString');
      let out = '';
      for (let i = 0; i < bytes.length; i += 4) {
        const cp = ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
        if (cp > 0x10ffff) throw new DerError('bad UniversalString');
        out += String.fromCodePoint(cp);
      }
      return out;
    }
    default:
      throw new DerError(`expected a string, found ${describe(node)}`);
  }
}

/** UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5 forms, plus fractional seconds). */
export function readTime(node: DerNode): Date {
  if (node.tagClass !== TagClass.universal || node.constructed) throw new DerError('expected a time');
  const text = Buffer.from(node.content).toString('latin1');
  let m: RegExpExecArray | null;
  let year: number;
  let rest: string[];
  if (node.tagNumber === Tag.utcTime) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text);
    if (!m) throw new DerError('bad UTCTime');
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = m.slice(2);
  } else if (node.tagNumber === Tag.generalizedTime) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d{1,9})?Z$/.exec(text);
    if (!m) throw new DerError('bad GeneralizedTime');
    year = Number(m[1]);
    rest = m.slice(2);
  } else {
    throw new DerError(`expected a time, found ${describe(node)}`);
  }
  const [mo, d, h, mi, s, frac] = rest;
  const ms = frac && frac.startsWith('.') ? Math.floor(Number('0' + frac) * 1000) : 0;
  const date = new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), ms));
  if (Number.isNaN(date.getTime()) || date.getUTCMonth() !== Number(mo) - 1) throw new DerError('invalid date');
  return date;
}
