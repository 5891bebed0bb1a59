// PKCS#10 (RFC 2986) for the device key, signed inside the TPM: the agent hashes the
// CertificationRequestInfo and TPM2_Sign signs the digest, so the private key never leaves it.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { algorithmIdentifier, bitString, implicit, integer, nullValue, sequence } from '@/lib/pki/der-writer';
import { encodeName } from '@/lib/pki/distinguished-name';
import { OID } from '@/lib/pki/oids';
import { AgentError } from './errors';

export interface CsrInput {
  /** DER SubjectPublicKeyInfo of the device key. */
  spki: Buffer;
  commonName: string;
  /**
   * Signs the SHA-256 `digest` of `tbs` (the TPM gets only the digest): DER ECDSA-Sig-Value for EC
   * keys, PKCS#1 v1.5 for RSA.
   */
  signDigest: (digest: Buffer, tbs: Buffer) => Promise<Buffer>;
}

export async function buildTpmCsr(input: CsrInput): Promise<Buffer> {
  const key = createPublicKey({ key: input.spki, format: 'der', type: 'spki' });
  const ec = key.asymmetricKeyType === 'ec';
  if (!ec && key.asymmetricKeyType !== 'rsa') throw new AgentError('tpm', `The device key type ${key.asymmetricKeyType} cannot sign a CSR`);
  const info = sequence(integer(0), encodeName([['CN', input.commonName]]), input.spki, implicit(0, Buffer.alloc(0), true));
  const signature = await input.signDigest(createHash('sha256').update(info).digest(), info);
  // A signature that does not verify here would be a badCSR at the server; say it is the TPM's.
  const ok = verify('sha256', info, ec ? { key, dsaEncoding: 'der' } : key, signature);
  if (!ok) throw new AgentError('tpm', 'TPM: the CSR signature made with the device key does not verify');
  const algorithm = ec ? algorithmIdentifier(OID.ecdsaWithSha256) : algorithmIdentifier(OID.sha256WithRsa, nullValue());
  return sequence(info, algorithm, bitString(signature));
}
