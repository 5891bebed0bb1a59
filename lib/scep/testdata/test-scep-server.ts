// Test-only SCEP HTTP server: node:http plus the lib/scep and lib/pki functions and an in-memory
// CA, wired the way server/http/scep.ts is meant to wire them. Not used by the application.
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Authority } from '@/lib/pki/create-authority';
import { issueCertificate } from '@/lib/pki/issue-certificate';
import { CsrError } from '@/lib/pki/parse-csr';
import { parseCertificate } from '@/lib/pki/parse-certificate';
import { buildCertRep } from '../build-cert-rep';
import { caCapsResponse } from '../ca-caps';
import { caCertResponse } from '../ca-cert';
import { decodeScepMessage } from '../normalize-base64';
import { parsePkiMessage, type ScepRequest } from '../parse-pki-message';
import { ScepError } from '../scep-error';
import { FailInfo, MessageType } from '../scep-types';

export interface TestScepServerOptions {
  authority: Authority;
  challenge: string;
  /** Override the GetCACaps body (e.g. without POSTPKIOperation to force GET). */
  caps?: string;
  /** Certificates for GetCACert; default RA, intermediate, root. */
  caCertificates?: Uint8Array[];
}

export interface ObservedRequest {
  method: string;
  operation: string;
  request?: ScepRequest;
  error?: ScepError;
  issuedSerial?: string;
}

export interface TestScepServer {
  url: string;
  observed: ObservedRequest[];
  close(): Promise<void>;
}

export async function startTestScepServer(options: TestScepServerOptions): Promise<TestScepServer> {
  const { authority } = options;
  const ra = parseCertificate(authority.ra.certificateDer);
  const observed: ObservedRequest[] = [];

  const handlePkiOperation = (body: Buffer, seen: ObservedRequest): Buffer => {
    const signer = { certificate: ra, privateKey: authority.ra.privateKeyPem, chain: [authority.intermediate.certificateDer] };
    try {
      const request = parsePkiMessage(body, signer);
      seen.request = request;
      if (request.messageType === MessageType.RenewalReq) {
        // Renewal is authorised by the signer certificate, which must be one we issued.
        const signerCert = new X509Certificate(request.signerCertificate.der);
        const issuer = new X509Certificate(authority.intermediate.certificateDer);
        if (!signerCert.checkIssued(issuer) || !signerCert.verify(issuer.publicKey)) {
          return buildCertRep({ status: 'failure', failInfo: FailInfo.badCertId, signer, request });
        }
      } else if (request.challengePassword !== options.challenge) {
        return buildCertRep({ status: 'failure', failInfo: FailInfo.badRequest, signer, request });
      }
      const now = Date.now();
      const issued = issueCertificate({
        csr: request.csr,
        issuerCertificate: authority.intermediate.certificateDer,
        issuerPrivateKey: authority.intermediate.privateKeyPem,
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + 30 * 86_400_000),
      });
      seen.issuedSerial = issued.serialNumberHex;
      return buildCertRep({
        status: 'success',
        signer,
        request,
        issuedCertificate: issued.certificateDer,
        chain: [authority.intermediate.certificateDer],
      });
    } catch (err) {
      if (err instanceof ScepError) {
        seen.error = err;
        if (err.canReply) {
          return buildCertRep({
            status: 'failure',
            failInfo: err.failInfo,
            signer,
            request: { transactionId: err.context.transactionId!, senderNonce: err.context.senderNonce!, digest: err.context.digest },
          });
        }
      }
      if (err instanceof CsrError) {
        // Issuance refused after a successful parse (weak key...): still a CertRep FAILURE.
        const request = seen.request!;
        return buildCertRep({ status: 'failure', failInfo: FailInfo.badRequest, signer, request });
      }
      throw err;
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const operation = url.searchParams.get('operation') ?? '';
      const seen: ObservedRequest = { method: req.method ?? '', operation };
      observed.push(seen);
      try {
        if (operation === 'GetCACaps') {
          const caps = caCapsResponse();
          res.writeHead(200, { 'content-type': caps.contentType }).end(options.caps ?? caps.body);
        } else if (operation === 'GetCACert') {
          const certs = options.caCertificates ?? [
            authority.ra.certificateDer,
            authority.intermediate.certificateDer,
            authority.root.certificateDer,
          ];
          const reply = caCertResponse(certs);
          res.writeHead(200, { 'content-type': reply.contentType }).end(reply.body);
        } else if (operation === 'PKIOperation') {
          const body = req.method === 'GET' ? decodeScepMessage(url.searchParams.get('message') ?? '') : Buffer.concat(chunks);
          const reply = handlePkiOperation(body, seen);
          res.writeHead(200, { 'content-type': 'application/x-pki-message' }).end(reply);
        } else {
          res.writeHead(400).end('unknown operation');
        }
      } catch (err) {
        if (err instanceof ScepError) seen.error = err;
        res.writeHead(400).end(String((err as Error).message));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/scep`,
    observed,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
