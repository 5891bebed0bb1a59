// RFC 7644 §3.12: SCIM errors, typed inside Tessera and mapped to the wire format in one place.

import { SCIM_SCHEMAS } from './schemas';

// The scimType values RFC 7644 §3.12 Table 9 defines (status 400, except uniqueness: 409).
export type ScimErrorType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export class ScimError extends Error {
  readonly status: number;
  readonly scimType?: ScimErrorType;

  constructor(status: number, detail: string, scimType?: ScimErrorType) {
    super(detail);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
  }
}

export interface ScimErrorBody {
  schemas: [typeof SCIM_SCHEMAS.error];
  status: string;
  scimType?: ScimErrorType;
  detail?: string;
}

// Anything that is not a ScimError is a bug on our side: answer 500 without echoing its message,
// which may carry SQL or internal state, to an identity provider's logs.
export function toScimErrorBody(err: unknown): ScimErrorBody {
  if (err instanceof ScimError) {
    const body: ScimErrorBody = { schemas: [SCIM_SCHEMAS.error], status: String(err.status) };
    if (err.scimType) body.scimType = err.scimType;
    if (err.message) body.detail = err.message;
    return body;
  }
  return { schemas: [SCIM_SCHEMAS.error], status: '500', detail: 'Internal server error' };
}
