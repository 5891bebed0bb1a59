// A deliberately strict, tiny XML 1.0 parser for tests: balanced tags, quoted attributes, only the
// predefined and numeric entity references, no '<' or stray '&' in text, no duplicate attributes.
// Throws on anything not well-formed. Fragment mode accepts several top-level elements (SyncML).

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// Ranges outside XML 1.0 Char (§2.2), minus what a JS string cannot hold unpaired.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decodeEntities(raw: string, where: string): string {
  if (NOT_XML_CHAR.test(raw)) throw new Error(`character not allowed in XML ${where}`);
  return raw.replace(/&([^;\s&<]*);|&/g, (match, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`bare '&' in ${where}`);
    if (ref in PREDEFINED) return PREDEFINED[ref];
    const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
    if (!numeric) throw new Error(`unknown entity &${ref}; in ${where}`);
    return String.fromCodePoint(numeric[1] ? parseInt(numeric[1], 16) : parseInt(numeric[2], 10));
  });
}

export function parseXml(source: string, options: { fragment?: boolean } = {}): XmlElement[] {
  let pos = 0;
  const fail = (message: string): never => {
    const line = source.slice(0, pos).split('\n').length;
    throw new Error(`XML not well-formed at line ${line}: ${message}`);
  };
  const startsWith = (text: string) => source.startsWith(text, pos);
  const skipSpace = () => {
    while (pos < source.length && /\s/.test(source[pos])) pos++;
  };
  const readName = (): string => {
    const match = NAME.exec(source.slice(pos));
    if (!match) fail('expected a name');
    pos += match![0].length;
    return match![0];
  };

  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (startsWith('<!--')) {
        const end = source.indexOf('-->', pos + 4);
        if (end < 0) fail('unterminated comment');
        if (source.slice(pos + 4, end).includes('--')) fail("'--' inside a comment");
        pos = end + 3;
      } else if (startsWith('<?')) {
        const end = source.indexOf('?>', pos);
        if (end < 0) fail('unterminated processing instruction');
        pos = end + 2;
      } else return;
    }
  };

  const parseElement = (): XmlElement => {
    if (!startsWith('<')) fail("expected '<'");
    pos++;
    const name = readName();
    const attributes: Record<string, string> = {};
    for (;;) {
      const hadSpace = /\s/.test(source[pos] ?? '');
      skipSpace();
      if (startsWith('/>')) {
        pos += 2;
        return { name, attributes, children: [] };
      }
      if (startsWith('>')) {
        pos++;
        break;
      }
      if (!hadSpace) fail('attributes must be separated by white space');
      const attr = readName();
      if (attr in attributes) fail(`duplicate attribute ${attr}`);
      skipSpace();
      if (source[pos] !== '=') fail(`expected '=' after ${attr}`);
      pos++;
      skipSpace();
      const quote = source[pos];
      if (quote !== '"' && quote !== "'") fail('attribute value must be quoted');
      const end = source.indexOf(quote, pos + 1);
      if (end < 0) fail('unterminated attribute value');
      const raw = source.slice(pos + 1, end);
      if (raw.includes('<')) fail("'<' in attribute value");
      attributes[attr] = decodeEntities(raw, `attribute ${attr}`);
      pos = end + 1;
    }

    const children: XmlNode[] = [];
    for (;;) {
      if (pos >= source.length) fail(`unclosed <${name}>`);
      if (startsWith('</')) {
        pos += 2;
        const closing = readName();
        if (closing !== name) fail(`</${closing}> closes <${name}>`);
        skipSpace();
        if (source[pos] !== '>') fail("expected '>'");
        pos++;
        return { name, attributes, children };
      }
      if (startsWith('<!--') || startsWith('<?')) {
        skipMisc();
        continue;
      }
      if (startsWith('<![CDATA[')) {
        const end = source.indexOf(']]>', pos);
        if (end < 0) fail('unterminated CDATA');
        children.push(source.slice(pos + 9, end));
        pos = end + 3;
        continue;
      }
      if (startsWith('<')) {
        children.push(parseElement());
        continue;
      }
      const next = source.indexOf('<', pos);
      const raw = source.slice(pos, next < 0 ? source.length : next);
      if (raw.includes(']]>')) fail("']]>' in text");
      try {
        children.push(decodeEntities(raw, `text of <${name}>`));
      } catch (error) {
        fail((error as Error).message);
      }
      pos += raw.length;
    }
  };

  if (startsWith('\uFEFF')) pos++;
  if (startsWith('<?xml')) {
    const end = source.indexOf('?>', pos);
    if (end < 0) fail('unterminated XML declaration');
    pos = end + 2;
  }
  skipMisc();
  if (startsWith('<!DOCTYPE')) {
    const end = source.indexOf('>', pos);
    if (end < 0 || source.slice(pos, end).includes('[')) fail('unsupported DOCTYPE');
    pos = end + 1;
  }
  const roots: XmlElement[] = [];
  for (;;) {
    skipMisc();
    if (pos >= source.length) break;
    if (roots.length > 0 && !options.fragment) fail('content after the root element');
    roots.push(parseElement());
  }
  if (roots.length === 0) fail('no element');
  return roots;
}

export function textOf(node: XmlNode): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}

export function findAll(nodes: XmlNode | XmlNode[], name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (node: XmlNode) => {
    if (typeof node === 'string') return;
    if (node.name === name) found.push(node);
    node.children.forEach(visit);
  };
  (Array.isArray(nodes) ? nodes : [nodes]).forEach(visit);
  return found;
}
