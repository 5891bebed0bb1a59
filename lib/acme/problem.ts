// ACME problem documents (RFC 8555 §6.7, RFC 7807): every refusal names its error type, a detail
// for people and the HTTP status. serverInternal never carries the underlying error's text.

export const acmeErrorTypes = [
  'accountDoesNotExist',
  'alreadyRevoked',
  'badAttestationStatement',
  'badCSR',
  'badNonce',
  'badPublicKey',
  'badRevocationReason',
  'badSignatureAlgorithm',
  'invalidContact',
  'malformed',
  'orderNotReady',
  'rejectedIdentifier',
  'serverInternal',
  'unauthorized',
  'unsupportedContact',
  'unsupportedIdentifier',
] as const;
export type AcmeErrorType = (typeof acmeErrorTypes)[number];

const PREFIX = 'urn:ietf:params:acme:error:';

const DEFAULT_STATUS: Record<AcmeErrorType, number> = {
  accountDoesNotExist: 400,
  alreadyRevoked: 400,
  badAttestationStatement: 400,
  badCSR: 400,
  badNonce: 400,
  badPublicKey: 400,
  badRevocationReason: 400,
  badSignatureAlgorithm: 400,
  invalidContact: 400,
  malformed: 400,
  orderNotReady: 403,
  rejectedIdentifier: 400,
  serverInternal: 500,
  unauthorized: 403,
  unsupportedContact: 400,
  unsupportedIdentifier: 400,
};

export interface AcmeIdentifier {
  type: string;
  value: string;
}

export interface ProblemDocument {
  type: string;
  detail: string;
  status?: number;
  subproblems?: Array<{ type: string; detail: string; identifier?: AcmeIdentifier }>;
  /** badSignatureAlgorithm (RFC 8555 §6.2) lists what the server accepts. */
  algorithms?: string[];
}

export class AcmeProblem extends Error {
  readonly status: number;
  subproblems: Array<{ type: AcmeErrorType; detail: string; identifier?: AcmeIdentifier }> = [];
  algorithms?: string[];

  constructor(
    public readonly type: AcmeErrorType,
    detail: string,
    status?: number,
  ) {
    super(detail);
    this.name = 'AcmeProblem';
    this.status = status ?? DEFAULT_STATUS[type];
  }

  withSubproblem(type: AcmeErrorType, detail: string, identifier?: AcmeIdentifier): this {
    this.subproblems.push({ type, detail, identifier });
    return this;
  }

  toDocument(): ProblemDocument {
    const doc: ProblemDocument = { type: PREFIX + this.type, detail: this.message, status: this.status };
    if (this.subproblems.length) {
      doc.subproblems = this.subproblems.map((s) => ({ type: PREFIX + s.type, detail: s.detail, ...(s.identifier ? { identifier: s.identifier } : {}) }));
    }
    if (this.algorithms) doc.algorithms = this.algorithms;
    return doc;
  }
}

export const acmeProblem = (type: AcmeErrorType, detail: string, status?: number) => new AcmeProblem(type, detail, status);

/** The document for an error we did not expect: a fixed sentence, nothing from the error itself. */
export function serverInternalDocument(): ProblemDocument {
  return { type: PREFIX + 'serverInternal', detail: 'The server could not process the request; it has been logged', status: 500 };
}

export const problemTypeUrn = (type: AcmeErrorType) => PREFIX + type;
