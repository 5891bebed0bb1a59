// GetCACaps response (RFC 8894 §3.5.2): one capability per line. Clients choose their digest and
// content cipher from this list, so it names only what parse-pki-message accepts.

export const CA_CAPS_CONTENT_TYPE = 'text/plain';

export interface CaCapsOptions {
  /** Advertise RenewalReq (messageType 17); on by default. */
  renewal?: boolean;
}

export function caCapsResponse(options: CaCapsOptions = {}): { body: string; contentType: string } {
  const caps = [
    'POSTPKIOperation',
    // SHA-256 first: some clients take the first digest they also support.
    'SHA-256',
    'SHA-1',
    'AES',
    'DES3',
    // SCEPStandard promises AES, SHA-256 and POSTPKIOperation (RFC 8894 §3.5.2).
    'SCEPStandard',
  ];
  if (options.renewal ?? true) caps.push('Renewal');
  return { body: caps.join('\n') + '\n', contentType: CA_CAPS_CONTENT_TYPE };
}
