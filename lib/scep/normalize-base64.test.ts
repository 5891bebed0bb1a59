import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeScepMessage, normalizeBase64 } from './normalize-base64';
import { ScepError } from './scep-error';
import { FailInfo } from './scep-types';
import { prng } from './testdata/prng';

describe('normalizeBase64 / decodeScepMessage', () => {
  const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x00, 0x3e, 0x3f, 0x10]); // exercises + and /
  const standard = bytes.toString('base64'); // "+/+/AD4/EA=="

  it('passes standard base64 through', () => {
    expect(normalizeBase64(standard)).toBe(standard);
    expect(decodeScepMessage(standard)).toEqual(bytes);
  });

  it('restores "+" that form decoding turned into spaces', () => {
    const query = new URLSearchParams(`operation=PKIOperation&message=${standard}`).get('message')!;
    expect(query).toContain(' ');
    expect(decodeScepMessage(query)).toEqual(bytes);
  });

  it('accepts the URL-safe alphabet, missing padding, line breaks and a second percent-encoding', () => {
    expect(decodeScepMessage(bytes.toString('base64url'))).toEqual(bytes);
    expect(decodeScepMessage(standard.replace(/=+$/, ''))).toEqual(bytes);
    expect(decodeScepMessage(standard.slice(0, 4) + '\r\n' + standard.slice(4, 8) + '\n' + standard.slice(8))).toEqual(bytes);
    expect(decodeScepMessage(encodeURIComponent(standard))).toEqual(bytes);
  });

  it('round trips random messages through every quirk', () => {
    const random = prng(42);
    for (let i = 0; i < 500; i++) {
      const msg = randomBytes(1 + Math.floor(random() * 300));
      let text = random() < 0.5 ? msg.toString('base64') : msg.toString('base64url');
      if (random() < 0.5) text = text.replace(/=+$/, '');
      if (random() < 0.3) text = text.replace(/(.{64})/g, '$1\n');
      if (random() < 0.3) text = text.replace(/\+/g, ' ');
      if (random() < 0.2) text = encodeURIComponent(text);
      expect(decodeScepMessage(text)).toEqual(msg);
    }
  });

  it('rejects what cannot be base64 with ScepError badRequest', () => {
    for (const bad of ['abc!def', 'abcde', '%ZZabcd', '', '====', 'ab%E0%A4%A']) {
      try {
        decodeScepMessage(bad);
        throw new Error(`accepted ${JSON.stringify(bad)}`);
      } catch (err) {
        expect(err, bad).toBeInstanceOf(ScepError);
        expect((err as ScepError).failInfo).toBe(FailInfo.badRequest);
        expect((err as ScepError).canReply).toBe(false);
      }
    }
  });
});
