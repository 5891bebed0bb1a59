// base64url without padding (RFC 7515 §2, RFC 8555 §6.1). Node's decoder skips characters it does
// not know; here anything outside the alphabet, or padding, is an error, so one value has one form.

const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function isBase64Url(text: string): boolean {
  return ALPHABET.test(text) && text.length % 4 !== 1;
}

/** Decodes strict base64url; null when the text is not in that form. */
export function decodeBase64Url(text: string): Buffer | null {
  if (!isBase64Url(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  // Non-canonical trailing bits (e.g. "AB" vs "AA" for one byte) would give two texts one value.
  if (bytes.toString('base64url') !== text) return null;
  return bytes;
}

export function encodeBase64Url(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64url');
}
