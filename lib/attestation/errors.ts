// Why an attestation was refused, in the terms of draft-acme-device-attest: the ACME layer maps
// each code to the problem type of the same name.
export class AttestationError extends Error {
  constructor(
    public code: 'badAttestationStatement' | 'unauthorized' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'AttestationError';
  }
}
