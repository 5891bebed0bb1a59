// Decodes the base64 `message=` of a SCEP GET (RFC 8894 §4.1) as clients really send it: `+`
// turned into a space by form decoding, the URL-safe alphabet, no padding, line breaks, or a
// second layer of percent-encoding.
import { FailInfo } from './scep-types';
import { ScepError } from './scep-error';

/** Canonical padded standard-alphabet base64, or throws ScepError (badRequest). */
export function normalizeBase64(value: string): string {
  let text = value;
  if (/%[0-9A-Fa-f]{2}/.test(text)) {
    try {
      text = decodeURIComponent(text);
    } catch {
      throw new ScepError(FailInfo.badRequest, 'malformed-base64', 'message is not valid percent-encoding');
    }
  }
  text = text
    .replace(/[\r\n\t]/g, '')
    .replace(/ /g, '+')
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) {
    throw new ScepError(FailInfo.badRequest, 'malformed-base64', 'message is not base64');
  }
  return text + '='.repeat((4 - (text.length % 4)) % 4);
}

/** The bytes of a GET `message=` value (after the query string has been form-decoded). */
export function decodeScepMessage(value: string): Buffer {
  const decoded = Buffer.from(normalizeBase64(value), 'base64');
  if (decoded.length === 0) throw new ScepError(FailInfo.badRequest, 'malformed-base64', 'empty message');
  return decoded;
}
