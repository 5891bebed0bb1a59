import { describe, expect, it } from 'vitest';
import { findAll, parseXml, textOf } from './parse-xml';

describe('parseXml (test helper)', () => {
  it('parses elements, attributes, entities and character references', () => {
    const [root] = parseXml(`<?xml version="1.0"?><!-- c --><a x="1 &amp; 2"><b>&lt;&#65;&#x42;&apos;</b><c/></a>`);
    expect(root.attributes.x).toBe('1 & 2');
    expect(textOf(findAll(root, 'b')[0])).toBe("<AB'");
    expect(findAll(root, 'c')).toHaveLength(1);
  });

  it.each([
    ['<a><b></a></b>', 'closes'],
    ['<a>', 'unclosed'],
    ['<a>x & y</a>', "bare '&'"],
    ['<a>&nbsp;</a>', 'unknown entity'],
    ['<a x="<"/>', "'<' in attribute"],
    ['<a x=1/>', 'quoted'],
    ['<a x="1" x="2"/>', 'duplicate'],
    ['<a>]]></a>', "']]>'"],
    ['<a>\u0001</a>', 'not allowed'],
    ['<a/><b/>', 'after the root'],
    ['<!-- a -- b --><a/>', "'--'"],
  ])('rejects %j', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(message);
  });

  it('accepts several top-level elements in fragment mode', () => {
    expect(parseXml('<Replace/>\n<Exec/>', { fragment: true }).map((element) => element.name)).toEqual(['Replace', 'Exec']);
  });
});
