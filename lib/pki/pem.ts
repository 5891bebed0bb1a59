// PEM armour (RFC 7468) around DER, so callers may hand either form to the PKI functions.

export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** All PEM blocks with the given label (any label when omitted), as DER. */
export function pemBlocks(text: string, label?: string): Buffer[] {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  const out: Buffer[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (label && m[1] !== label) continue;
    out.push(Buffer.from(m[2].replace(/\s+/g, ''), 'base64'));
  }
  return out;
}

/** DER from DER bytes or from the first PEM block of a string. */
export function toDer(input: Uint8Array | string, label?: string): Buffer {
  if (typeof input !== 'string') return Buffer.from(input);
  const [first] = pemBlocks(input, label);
  if (!first) throw new Error(`no PEM block${label ? ` labelled ${label}` : ''} found`);
  return first;
}
