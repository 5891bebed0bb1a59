import { describe, expect, it } from 'vitest';
import { prng, mutate } from '@/lib/scep/testdata/prng';
import {
  DerError,
  readBitString,
  readDer,
  readIntegerBytes,
  readOctetString,
  readOid,
  readSequence,
  readSmallInteger,
  readString,
  readTime,
  type DerNode,
} from './der-reader';
import {
  bitString,
  enumerated,
  generalizedTime,
  integer,
  namedBits,
  octetString,
  oid,
  printableString,
  sequence,
  setOf,
  time,
  utf8String,
} from './der-writer';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Walks every node (so lazily parsed children are parsed) and decodes every value. */
function walk(node: DerNode): number {
  let count = 1;
  if (node.constructed) {
    for (const child of node.children()) count += walk(child);
    return count;
  }
  if (node.tagClass !== 0) return count;
  if (node.tagNumber === 6) readOid(node);
  else if (node.tagNumber === 2) readSmallInteger(node);
  else if (node.tagNumber === 3) readBitString(node);
  else if (node.tagNumber === 23 || node.tagNumber === 24) readTime(node);
  else if ([12, 19, 20, 22, 28, 30].includes(node.tagNumber)) readString(node);
  return count;
}

describe('DER writer', () => {
  it('encodes INTEGERs minimally with a sign byte when needed', () => {
    expect(hex(integer(0))).toBe('020100');
    expect(hex(integer(127))).toBe('02017f');
    expect(hex(integer(128))).toBe('02020080');
    expect(hex(integer(256))).toBe('02020100');
    expect(hex(integer(Buffer.from('0000ff', 'hex')))).toBe('020200ff');
    expect(hex(integer(2n ** 64n))).toBe('0209010000000000000000');
    expect(hex(enumerated(1))).toBe('0a0101');
  });

  it('encodes OIDs, including large arcs', () => {
    expect(hex(oid('1.2.840.113549'))).toBe('06062a864886f70d');
    expect(hex(oid('2.5.29.19'))).toBe('0603551d13');
    expect(readOid(readDer(oid('2.999.18446744073709551616')))).toBe('2.999.18446744073709551616');
  });

  it('encodes keyUsage named bits without trailing zero bits (X.690 §11.2.2)', () => {
    expect(hex(namedBits([0]))).toBe('03020780'); // digitalSignature
    expect(hex(namedBits([0, 2]))).toBe('030205a0'); // + keyEncipherment
    expect(hex(namedBits([5, 6]))).toBe('03020106'); // keyCertSign + cRLSign
    expect(hex(namedBits([0, 5, 6]))).toBe('03020186');
  });

  it('uses long-form lengths past 127 bytes', () => {
    const long = octetString(Buffer.alloc(300, 1));
    expect(hex(long.subarray(0, 4))).toBe('0482012c');
    expect(readOctetString(readDer(long)).length).toBe(300);
  });

  it('sorts SET OF by encoding', () => {
    const set = setOf([printableString('b'), printableString('a'), integer(5)]);
    const order = readDer(set).children().map((n) => hex(n.bytes));
    expect(order).toEqual(['020105', '130161', '130162']);
  });

  it('picks UTCTime before 2050 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)', () => {
    expect(time(new Date('2049-12-31T23:59:59Z'))[0]).toBe(0x17);
    expect(time(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
    expect(readTime(readDer(time(new Date('2030-06-01T12:34:56Z')))).toISOString()).toBe('2030-06-01T12:34:56.000Z');
    expect(readTime(readDer(generalizedTime(new Date('2101-02-03T04:05:06Z')))).toISOString()).toBe('2101-02-03T04:05:06.000Z');
  });
});

describe('DER reader', () => {
  it('round trips a structure', () => {
    const der = sequence(integer(42), utf8String('héllo'), bitString(Buffer.from([0xff]), 0), octetString(Buffer.from('abc')));
    const [n, s, b, o] = readSequence(readDer(der), 4, 4);
    expect(readSmallInteger(n)).toBe(42);
    expect(readString(s)).toBe('héllo');
    expect(hex(readBitString(b).bytes)).toBe('ff');
    expect(Buffer.from(readOctetString(o)).toString()).toBe('abc');
  });

  it('reads negative small integers', () => {
    expect(readSmallInteger(readDer(Buffer.from('0201ff', 'hex')))).toBe(-1);
    expect(readSmallInteger(readDer(Buffer.from('02020080', 'hex')))).toBe(128);
  });

  it('reads BER indefinite lengths and constructed OCTET STRINGs', () => {
    // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { "ab", "cd" } }
    const ber = Buffer.from('3080' + '2480' + '04026162' + '04026364' + '0000' + '0000', 'hex');
    const node = readDer(ber);
    expect(node.indefinite).toBe(true);
    const [octets] = readSequence(node, 1, 1);
    expect(Buffer.from(readOctetString(octets)).toString()).toBe('abcd');
  });

  it('decodes BMPString and UniversalString', () => {
    expect(readString(readDer(Buffer.from('1e0400680069', 'hex')))).toBe('hi');
    expect(readString(readDer(Buffer.from('1c080000006800000069', 'hex')))).toBe('hi');
  });

  it('rejects truncation, trailing data, bad lengths and deep nesting with DerError', () => {
    const der = sequence(integer(1), sequence(utf8String('x'), octetString(Buffer.alloc(200))));
    for (let cut = 0; cut < der.length; cut++) {
      expect(() => walk(readDer(der.subarray(0, cut))), `cut at ${cut}`).toThrow(DerError);
    }
    expect(() => readDer(Buffer.concat([der, Buffer.from([0])]))).toThrow(DerError);
    expect(() => readDer(Buffer.from('3085ffffffffff', 'hex'))).toThrow(DerError);
    expect(() => readDer(Buffer.from('0480', 'hex'))).toThrow(DerError); // indefinite primitive
    expect(() => readDer(Buffer.from('3080', 'hex'))).toThrow(DerError); // no end-of-contents
    const deep = Buffer.from('3080'.repeat(200) + '0000'.repeat(200), 'hex');
    expect(() => readDer(deep)).toThrow(DerError);
    expect(() => readOid(readDer(Buffer.from('060188', 'hex')))).toThrow(DerError);
    expect(() => readIntegerBytes(readDer(Buffer.from('0200', 'hex')))).toThrow(DerError);
    expect(() => readString(readDer(Buffer.from('0c01ff', 'hex')))).toThrow(DerError); // bad UTF-8
    expect(() => readString(readDer(Buffer.from('1e0100', 'hex')))).toThrow(DerError); // odd BMPString
    expect(() => readTime(readDer(Buffer.from('170d3939393939393939393939', 'hex')))).toThrow(DerError);
  });

  it('survives thousands of random mutations with only DerError', () => {
    const valid = sequence(
      integer(7),
      setOf([printableString('a'), utf8String('b')]),
      sequence(oid('1.2.3.4'), octetString(Buffer.alloc(40, 7)), time(new Date())),
      bitString(Buffer.alloc(10, 1)),
    );
    const random = prng(1234);
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const input = mutate(valid, random);
      try {
        const node = readDer(input, { allowTrailing: random() < 0.5 });
        walk(node);
        parsed++;
      } catch (err) {
        if (!(err instanceof DerError)) throw new Error(`iteration ${i}: ${(err as Error).stack}`);
      }
    }
    // Some mutations stay well-formed (e.g. a changed content byte): both paths ran.
    expect(parsed).toBeGreaterThan(100);
    expect(parsed).toBeLessThan(5000);
  });
});
