import { describe, expect, it } from 'vitest';
import { stableUuid } from './stable-uuid';
import { escapeXml } from './xml-escape';

describe('stableUuid', () => {
  it('is RFC 9562 version 5 (DNS namespace test vector)', () => {
    expect(stableUuid('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ED6657D-E927-568B-95E1-2665A8AEA6A2',
    );
  });

  it('is stable per name and differs between names', () => {
    expect(stableUuid('a')).toBe(stableUuid('a'));
    expect(stableUuid('a')).not.toBe(stableUuid('b'));
    expect(stableUuid('a')).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  });
});

describe('escapeXml', () => {
  it('escapes the five predefined entities', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  });

  it('replaces characters XML 1.0 cannot carry and keeps the rest', () => {
    expect(escapeXml('a\u0000b\u001Fc\uFFFFd')).toBe('a\uFFFDb\uFFFDc\uFFFDd');
    expect(escapeXml('tab\tnl\ncr\r')).toBe('tab\tnl\ncr\r');
    expect(escapeXml('lone \uD800 high, lone \uDC00 low')).toBe('lone \uFFFD high, lone \uFFFD low');
    expect(escapeXml('emoji 😀 é 中')).toBe('emoji 😀 é 中');
  });
});
