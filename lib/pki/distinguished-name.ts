// X.501 Names (RFC 5280 §4.1.2.4): build them for our own CA certificates, read them from CSRs
// and certificates, and print them as RFC 4514 strings for people and logs.
import { readDer, readOid, readSequence, readSet, readString, type DerNode } from './der-reader';
import { directoryString, ia5String, oid, printableString, sequence, setOf } from './der-writer';
import { OID } from './oids';

const SHORT_NAMES: Record<string, string> = {
  CN: OID.commonName,
  C: OID.countryName,
  L: OID.localityName,
  ST: OID.stateOrProvinceName,
  O: OID.organizationName,
  OU: OID.organizationalUnitName,
  serialNumber: OID.serialNumber,
  emailAddress: OID.emailAddress,
  DC: OID.domainComponent,
  UID: OID.userId,
};
const BY_OID = Object.fromEntries(Object.entries(SHORT_NAMES).map(([k, v]) => [v, k]));

export interface NameAttribute {
  /** Dotted OID. */
  type: string;
  /** Short name (CN, O, ...) when known. */
  shortName?: string;
  value: string;
}

/** Encodes [[type, value], ...] (short names or OIDs), one attribute per RDN, in the given order. */
export function encodeName(attributes: Array<[string, string]>): Buffer {
  const rdns = attributes.map(([type, value]) => {
    const typeOid = SHORT_NAMES[type] ?? type;
    // RFC 5280 fixes the string type for these three; everything else is a DirectoryString.
    const encoded =
      typeOid === OID.countryName || typeOid === OID.serialNumber
        ? printableString(value)
        : typeOid === OID.emailAddress || typeOid === OID.domainComponent
          ? ia5String(value)
          : directoryString(value);
    return setOf([sequence(oid(typeOid), encoded)]);
  });
  return sequence(...rdns);
}

/** The attributes of a Name in encoding order (multi-valued RDNs flattened). */
export function parseName(name: Uint8Array | DerNode): NameAttribute[] {
  const node = name instanceof Uint8Array ? readDer(name) : name;
  const out: NameAttribute[] = [];
  for (const rdn of readSequence(node)) {
    for (const atv of readSet(rdn)) {
      const [typeNode, valueNode] = readSequence(atv, 2, 2);
      const type = readOid(typeNode);
      let value: string;
      try {
        value = readString(valueNode);
      } catch {
        // Non-string values are legal but rare; show them as RFC 4514 hex.
        value = '#' + Buffer.from(valueNode.bytes).toString('hex');
      }
      out.push({ type, shortName: BY_OID[type], value });
    }
  }
  return out;
}

function escapeValue(value: string): string {
  if (value.startsWith('#') && /^#[0-9a-f]+$/.test(value)) return value;
  return value
    .replace(/[\\,+"<>;=]/g, (c) => '\\' + c)
    .replace(/^[ #]/, (c) => '\\' + c)
    .replace(/ $/, '\\ ');
}

/** RFC 4514 string form: last RDN first, e.g. "CN=device-1,O=Example". */
export function formatName(name: Uint8Array | DerNode): string {
  return parseName(name)
    .reverse()
    .map((a) => `${a.shortName ?? a.type}=${escapeValue(a.value)}`)
    .join(',');
}
