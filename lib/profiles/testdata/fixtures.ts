// Test fixtures: a self-signed P-256 "Agents root" made once with openssl, and a standard input.
import { createHash } from 'node:crypto';
import { toDer } from '../../pki/pem';
import type { FleetProfileInput } from '../types';

export const ROOT_CA_PEM = `
-----BEGIN CERTIFICATE-----
MIIBzjCCAXWgAwIBAgIUAh0fPqEB9t+J16AYXvPQVy1LTpAwCgYIKoZIzj0EAwIw
PTEkMCIGA1UEAwwbVGVzc2VyYSBUZXN0IEFnZW50cyBSb290IENBMRUwEwYDVQQK
DAxUZXNzZXJhIFRlc3QwHhcNMjYxMTI5MjIwNTM0WhcNNDYxMTI0MjIwNTM0WjA9
MSQwIgYDVQQDDBtUZXNzZXJhIFRlc3QgQWdlbnRzIFJvb3QgQ0ExFTATBgNVBAoM
DFRlc3NlcmEgVGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABBL+46ZOtblC
FnbfbY15Jtznj8nraRXKQvnGApHuTdoLTCGz7mTvUGPob3ctfbWxUCgs4ehUsDRj
0fAnWJTVDTWjUzBRMB0GA1UdDgQWBBQ2uwegtpmq5/sBO0tXHLWjNbHxrTAfBgNV
HSMEGDAWgBQ2uwegtpmq5/sBO0tXHLWjNbHxrTAPBgNVHRMBAf8EBTADAQH/MAoG
CCqGSM49BAMCA0cAMEQCIDKOsbytU8XYBkud58IbrN6D2eqZqYF92MISk9MYgtjR
AiBFyXZ5Uv+NEh+8dZBbyAZUbbQEAPDFZCvyCfyApIctTQ==
-----END CERTIFICATE-----
`;

export const ROOT_DER = toDer(ROOT_CA_PEM, 'CERTIFICATE');
export const ROOT_SHA256_HEX = createHash('sha256').update(ROOT_DER).digest('hex');
export const ROOT_SHA1_HEX = createHash('sha1').update(ROOT_DER).digest('hex');

export function fleetProfileInput(overrides: Partial<FleetProfileInput> = {}): FleetProfileInput {
  return {
    teamSlug: 'acme',
    teamName: 'Acme Corp',
    caName: 'TESSERA_AGENT',
    rootCaPem: ROOT_CA_PEM,
    rootFingerprintSha256: ROOT_SHA256_HEX,
    tesseraUrl: 'https://tessera.example.com',
    scepUrl: 'https://tessera.example.com/scep/int-123',
    challengeUrl: 'https://tessera.example.com/webhook/int-123/challenge',
    certificateSubject: 'host-uuid',
    ...overrides,
  };
}

export const HOSTILE_TEAM_NAME = `<script>&"' ]]> <!-- &amp; $HOME`;
