// Public PKI files: the root (PEM and DER), the chain, and the CRL. Devices and relying parties
// fetch these without credentials, as they would from any CA.
import { getDb } from '@/server/db';
import { currentCrl } from '@/server/services/pki/crl';
import { loadAuthority, AGENTS_AUTHORITY } from '@/server/services/pki/load-authority';

const pemToDer = (pem: string) => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));

export async function handlePkiFile(_req: Request, authority: string, file: string): Promise<Response> {
  if (authority !== AGENTS_AUTHORITY) return new Response('Not found', { status: 404 });
  const db = await getDb();
  const auth = await loadAuthority(db);
  const headers = (type: string, name?: string) => ({
    'content-type': type,
    'cache-control': 'public, max-age=300',
    ...(name ? { 'content-disposition': `attachment; filename="${name}"` } : {}),
  });
  switch (file) {
    case 'root.pem':
      return new Response(auth.row.rootCertPem, { headers: headers('application/x-pem-file', 'tessera-agents-root.pem') });
    case 'root.der':
    case 'root.crt':
      return new Response(pemToDer(auth.row.rootCertPem), { headers: headers('application/pkix-cert', 'tessera-agents-root.crt') });
    case 'chain.pem':
      return new Response(auth.row.intermediateCertPem + auth.row.rootCertPem, { headers: headers('application/x-pem-file', 'tessera-agents-chain.pem') });
    case 'crl':
      return new Response(pemToDer(await currentCrl(db)), { headers: { ...headers('application/pkix-crl'), 'cache-control': 'public, max-age=60' } });
    case 'crl.pem':
      return new Response(await currentCrl(db), { headers: { ...headers('application/x-pem-file'), 'cache-control': 'public, max-age=60' } });
    default:
      return new Response('Not found', { status: 404 });
  }
}
