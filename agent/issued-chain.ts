// Checks the certificate chain ACME returned before the agent stores it: the leaf carries the TPM
// device key, each certificate is signed by the next, and the last one by the pinned Agents root.
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { AgentError } from './errors';

export interface IssuedChain {
  leaf: X509Certificate;
  chain: X509Certificate[];
  leafPem: string;
}

export function checkIssuedChain(pem: string, deviceSpki: Buffer, root: X509Certificate, now = new Date()): IssuedChain {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  let chain: X509Certificate[];
  try {
    chain = blocks.map((b) => new X509Certificate(b));
  } catch (err) {
    throw new AgentError('refused', `The issued certificate chain cannot be read: ${(err as Error).message}`);
  }
  if (chain.length === 0) throw new AgentError('refused', 'The issued certificate chain is empty');
  const [leaf] = chain;
  const leafSpki = leaf.publicKey.export({ format: 'der', type: 'spki' });
  const deviceKey = createPublicKey({ key: deviceSpki, format: 'der', type: 'spki' }).export({ format: 'der', type: 'spki' });
  if (!leafSpki.equals(deviceKey)) throw new AgentError('refused', 'The issued certificate is not for the TPM device key');
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!chain[i].checkIssued(chain[i + 1]) || !chain[i].verify(chain[i + 1].publicKey)) {
      throw new AgentError('refused', `The issued chain is broken: "${chain[i].subject}" is not signed by "${chain[i + 1].subject}"`);
    }
  }
  const top = chain[chain.length - 1];
  const isRoot = createHash('sha256').update(top.raw).digest().equals(createHash('sha256').update(root.raw).digest());
  if (!isRoot && (!top.checkIssued(root) || !top.verify(root.publicKey))) {
    throw new AgentError('refused', 'The issued certificate does not chain to the pinned Tessera Agents root');
  }
  if (new Date(leaf.validTo).getTime() <= now.getTime()) throw new AgentError('refused', `The issued certificate expired on ${leaf.validTo}`);
  return { leaf, chain, leafPem: blocks[0] + '\n' };
}
