// The TPM vendor EK CAs shipped in lib/attestation/tpm-roots (see its README): read once per
// process and sorted into trust anchors (self-signed, or whose issuer is not shipped) and
// intermediates (used only to build a path).
import fs from 'node:fs';
import path from 'node:path';
import { pemBlocks } from '@/lib/pki/pem';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';

export const SHIPPED_EK_ROOTS_DIR = path.resolve(process.cwd(), 'lib/attestation/tpm-roots');

export interface ShippedEkRoots {
  anchors: ParsedCertificate[];
  intermediates: ParsedCertificate[];
  /** Files read and certificates that failed to parse (shown on the Authorities page). */
  files: string[];
  skipped: number;
}

let cached: ShippedEkRoots | undefined;

export function loadEkCertificateBundle(dir: string): ShippedEkRoots {
  const certs: ParsedCertificate[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  let files: string[] = [];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.pem')).sort();
  } catch {
    files = [];
  }
  for (const file of files) {
    for (const der of pemBlocks(fs.readFileSync(path.join(dir, file), 'utf8'), 'CERTIFICATE')) {
      try {
        const cert = parseCertificate(der);
        const key = cert.der.toString('base64');
        if (!seen.has(key)) certs.push(cert);
        seen.add(key);
      } catch {
        skipped++;
      }
    }
  }
  const subjects = new Set(certs.map((c) => Buffer.from(c.subjectDer).toString('hex')));
  const selfIssued = (c: ParsedCertificate) => Buffer.compare(Buffer.from(c.subjectDer), Buffer.from(c.issuerDer)) === 0;
  const anchors = certs.filter((c) => selfIssued(c) || !subjects.has(Buffer.from(c.issuerDer).toString('hex')));
  const intermediates = certs.filter((c) => !anchors.includes(c));
  return { anchors, intermediates, files, skipped };
}

export function shippedEkRoots(): ShippedEkRoots {
  return (cached ??= loadEkCertificateBundle(SHIPPED_EK_ROOTS_DIR));
}
