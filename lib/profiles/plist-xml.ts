// A small XML property list writer (Apple "PropertyList-1.0" DTD) for configuration profiles:
// keys keep insertion order so output is stable, text is escaped, data is base64.
import { escapeXml } from './xml-escape';

export type PlistValue = string | number | boolean | Uint8Array | PlistValue[] | PlistDict;
export interface PlistDict {
  [key: string]: PlistValue;
}

const INDENT = '  ';

function writeValue(value: PlistValue, depth: number, out: string[]): void {
  const pad = INDENT.repeat(depth);
  if (typeof value === 'string') {
    out.push(`${pad}<string>${escapeXml(value)}</string>`);
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`plist integers only: ${value}`);
    out.push(`${pad}<integer>${value}</integer>`);
  } else if (typeof value === 'boolean') {
    out.push(`${pad}<${value ? 'true' : 'false'}/>`);
  } else if (value instanceof Uint8Array) {
    const lines = Buffer.from(value).toString('base64').match(/.{1,64}/g) ?? [];
    out.push(`${pad}<data>`, ...lines.map((line) => `${pad}${line}`), `${pad}</data>`);
  } else if (Array.isArray(value)) {
    out.push(`${pad}<array>`);
    for (const item of value) writeValue(item, depth + 1, out);
    out.push(`${pad}</array>`);
  } else {
    out.push(`${pad}<dict>`);
    for (const [key, item] of Object.entries(value)) {
      out.push(`${pad}${INDENT}<key>${escapeXml(key)}</key>`);
      writeValue(item, depth + 1, out);
    }
    out.push(`${pad}</dict>`);
  }
}

export function buildPlistXml(root: PlistDict): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
  ];
  writeValue(root, 0, out);
  out.push('</plist>', '');
  return out.join('\n');
}
