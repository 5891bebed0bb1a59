// The installation secret (TESSERA_SECRET) and keys derived from it. In embedded mode the secret
// is generated on first run and kept in the data directory, so a fresh checkout needs no set-up.
import { hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { env } from './env';

let secret: string | undefined;

export function installationSecret(): string {
  if (secret) return secret;
  const e = env();
  if (e.TESSERA_SECRET) return (secret = e.TESSERA_SECRET);
  const file = path.join(e.dataDir, 'secret');
  try {
    secret = fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(e.dataDir, { recursive: true });
    const fresh = randomBytes(32).toString('base64');
    try {
      fs.writeFileSync(file, fresh + '\n', { mode: 0o600, flag: 'wx' });
      secret = fresh;
    } catch {
      // Another process created it first: use theirs.
      secret = fs.readFileSync(file, 'utf8').trim();
    }
  }
  return secret;
}

/** A purpose-bound 32-byte key (HKDF-SHA256), so one secret never serves two uses directly. */
export function deriveKey(purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', installationSecret(), 'tessera', purpose, 32));
}
