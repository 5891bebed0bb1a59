// The shipped TPM vendor CA bundle: every file parses, every vendor has anchors, and real vendor EK
// certificates (STMicroelectronics ST33, RSA and ECC) chain to it without their intermediates.
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '@/lib/pki/parse-certificate';
import { verifyCertificateChain } from '@/lib/tpm/certificate-chain';
import { certificateFromNv, ekCertificatePublicKey, ekUriOf, isEkUri, tpmDeviceInfo } from '@/lib/tpm/ek';
import { STM_ECC_EK_BASE64, STM_RSA_EK_NV_BASE64 } from '@/lib/tpm/testdata/vendor-ek-certificates';
import { shippedEkRoots } from './shipped-ek-roots';

describe('shipped TPM vendor EK CAs', () => {
  const bundle = shippedEkRoots();

  it('loads every certificate of every vendor file', () => {
    expect(bundle.skipped).toBe(0);
    expect(bundle.files).toEqual(expect.arrayContaining(['amd.pem', 'infineon.pem', 'intel.pem', 'microsoft.pem', 'nuvoton.pem', 'stmicroelectronics.pem']));
    expect(bundle.anchors.length + bundle.intermediates.length).toBe(193);
    for (const vendor of ['AMD', 'Infineon', 'Intel', 'Microsoft', 'Nuvoton', 'STM', 'GlobalSign']) {
      expect(bundle.anchors.some((c) => c.subject.includes(vendor)), vendor).toBe(true);
    }
    expect(bundle.intermediates.every((c) => c.isCa)).toBe(true);
  });

  it("chains a real ST33 RSA EK certificate (read from NV, padded) through the shipped intermediate to GlobalSign's TPM root", () => {
    const der = certificateFromNv(Buffer.from(STM_RSA_EK_NV_BASE64, 'base64'));
    const cert = parseCertificate(der);
    const chain = verifyCertificateChain({ leaf: cert, intermediates: bundle.intermediates, anchors: bundle.anchors });
    expect(chain.path.map((c) => c.subject)).toEqual([
      '',
      'CN=STM TPM EK Intermediate CA 05,O=STMicroelectronics NV,C=CH',
      'CN=STM TPM EK Root CA,O=STMicroelectronics NV,C=CH',
      'CN=GlobalSign Trusted Platform Module Root CA,O=GlobalSign,OU=GlobalSign Trusted Computing Certificate Authority',
    ]);
    expect(chain.anchor.isCa).toBe(true);
    expect(tpmDeviceInfo(cert)).toEqual({ manufacturer: 'id:53544D20', model: 'ST33HTPHAHB4', version: 'id:00490004' });
    expect(isEkUri(ekUriOf(ekCertificatePublicKey(cert)))).toBe(true);
  });

  it('chains a real ST33 ECC EK certificate', () => {
    const cert = parseCertificate(Buffer.from(STM_ECC_EK_BASE64, 'base64'));
    const chain = verifyCertificateChain({ leaf: cert, intermediates: bundle.intermediates, anchors: bundle.anchors });
    expect(chain.path[1].subject).toContain('STM TPM ECC Intermediate CA 01');
    expect(ekCertificatePublicKey(cert).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('does not chain it without the vendor bundle', () => {
    const cert = parseCertificate(Buffer.from(STM_ECC_EK_BASE64, 'base64'));
    expect(() => verifyCertificateChain({ leaf: cert, anchors: bundle.anchors.filter((c) => !c.subject.includes('STM') && !c.subject.includes('GlobalSign')), intermediates: bundle.intermediates })).toThrow();
  });
});
