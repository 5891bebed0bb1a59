// Seeded PRNG (mulberry32) so fuzz loops are reproducible: a failure names its seed.
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random structural mutation of `input`: flip, overwrite, insert, delete, truncate or splice. */
export function mutate(input: Uint8Array, random: () => number): Buffer {
  const buf = Buffer.from(input);
  const pos = Math.floor(random() * buf.length);
  switch (Math.floor(random() * 6)) {
    case 0:
      buf[pos] ^= 1 << Math.floor(random() * 8);
      return buf;
    case 1:
      buf[pos] = Math.floor(random() * 256);
      return buf;
    case 2:
      return Buffer.concat([buf.subarray(0, pos), Buffer.from([Math.floor(random() * 256)]), buf.subarray(pos)]);
    case 3:
      return Buffer.concat([buf.subarray(0, pos), buf.subarray(pos + 1 + Math.floor(random() * 16))]);
    case 4:
      return buf.subarray(0, pos);
    default: {
      // Length bytes are where parsers break: set a byte to a long-form length marker.
      buf[pos] = [0x80, 0x81, 0x82, 0x84, 0xff, 0x00][Math.floor(random() * 6)];
      return buf;
    }
  }
}
