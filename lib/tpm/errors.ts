// Why a TPM structure or proof was refused. `malformed`: the bytes are not the structure they claim
// to be; `unsupported`: a well-formed choice we do not implement (an algorithm, a curve);
// `invalid`: well-formed but wrong (bad magic, a name or nonce that does not match, a bad signature).
export type TpmErrorCode = 'malformed' | 'unsupported' | 'invalid';

export class TpmError extends Error {
  constructor(
    public readonly code: TpmErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TpmError';
  }
}
