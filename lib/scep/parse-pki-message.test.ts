import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DigestName } from '@/lib/pki/algorithms';
import { buildCertificate, randomSerialNumber } from '@/lib/pki/build-certificate';
import { createAuthority, type Authority } from '@/lib/pki/create-authority';
import { createSigner } from '@/lib/pki/create-signer';
import { readConstructed, readDer, readSequence } from '@/lib/pki/der-reader';
import { encodeName } from '@/lib/pki/distinguished-name';
import { issueCertificate } from '@/lib/pki/issue-certificate';
import { OID } from '@/lib/pki/oids';
import { oid } from '@/lib/pki/der-writer';
import { parseCertificate, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { toPem } from '@/lib/pki/pem';
import type { ContentCipher } from './content-cipher';
import { parsePkiMessage } from './parse-pki-message';
import type { KeyTransport } from './rsa-pkcs1-unpad';
import { ScepError } from './scep-error';
import { FailInfo, MessageType } from './scep-types';
import { mutate, prng } from './testdata/prng';
import {
  buildCsr,
  buildPkiRequest,
  createClientIdentity,
  sealRequestEnvelope,
  type ClientIdentity,
} from './testdata/scep-test-client';

let authority: Authority;
let ra: ParsedCertificate;
let client: ClientIdentity;
let recipient: { certificate: ParsedCertificate; privateKey: string };

beforeAll(async () => {
  authority = await createAuthority({ name: 'Parse Test' });
  ra = parseCertificate(authority.ra.certificateDer);
  recipient = { certificate: ra, privateKey: authority.ra.privateKeyPem };
  client = createClientIdentity({ challenge: 'challenge-ABC-123', commonName: 'laptop-1', dnsNames: ['laptop-1.example.com'] });
});

function parseError(message: Uint8Array): ScepError {
  try {
    parsePkiMessage(message, recipient);
  } catch (err) {
    if (err instanceof ScepError) return err;
    throw err;
  }
  throw new Error('expected a ScepError');
}

/** Replaces the first occurrence of `from` with `to` (same length). */
function patch(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Buffer {
  const out = Buffer.from(bytes);
  const at = out.indexOf(Buffer.from(from));
  if (at < 0 || from.length !== to.length) throw new Error('pattern not found');
  Buffer.from(to).copy(out, at);
  return out;
}

const CIPHERS: ContentCipher[] = ['des-cbc', 'des-ede3-cbc', 'aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc'];
const DIGESTS: DigestName[] = ['sha1', 'sha256', 'sha512'];
const TRANSPORTS: KeyTransport[] = [
  { scheme: 'rsa-pkcs1' },
  { scheme: 'rsa-oaep', hash: 'sha1' },
  { scheme: 'rsa-oaep', hash: 'sha256' },
];

describe('parsePkiMessage round trips', () => {
  const matrix = CIPHERS.flatMap((cipher) => DIGESTS.flatMap((digest) => TRANSPORTS.map((kt) => [cipher, digest, kt] as const)));
  it.each(matrix)('PKCSReq with %s, %s, %j', (cipher, digest, keyTransport) => {
    const senderNonce = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const message = buildPkiRequest({ identity: client, recipient: ra, cipher, digest, keyTransport, transactionId: 'TX-42', senderNonce });
    const request = parsePkiMessage(message, recipient);
    expect(request.messageType).toBe(MessageType.PKCSReq);
    expect(request.transactionId).toBe('TX-42');
    expect(request.senderNonce).toEqual(senderNonce);
    expect(request.digest).toBe(digest);
    expect(request.contentCipher).toBe(cipher);
    expect(request.keyTransport).toEqual(keyTransport);
    expect(request.signerCertificate.serialNumberHex).toBe(client.certificate.serialNumberHex);
    expect(request.challengePassword).toBe('challenge-ABC-123');
    expect(request.csr.commonName).toBe('laptop-1');
    expect(request.csr.subjectAltNames.dnsNames).toEqual(['laptop-1.example.com']);
    expect(request.csr.der).toEqual(client.csr);
  });

  it('accepts the RA certificate and key as PEM or DER', () => {
    const message = buildPkiRequest({ identity: client, recipient: ra });
    expect(parsePkiMessage(message, { certificate: authority.ra.certificatePem, privateKey: authority.ra.privateKeyPem }).transactionId).toBeTruthy();
    expect(parsePkiMessage(message, { certificate: authority.ra.certificateDer, privateKey: authority.ra.privateKeyPem }).transactionId).toBeTruthy();
  });

  it('parses a RenewalReq signed by a certificate we issued', () => {
    const issued = issueCertificate({
      csr: client.csr,
      issuerCertificate: authority.intermediate.certificateDer,
      issuerPrivateKey: authority.intermediate.privateKeyPem,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
    });
    const existing = parseCertificate(issued.certificateDer);
    const message = buildPkiRequest({
      identity: client,
      recipient: ra,
      messageType: MessageType.RenewalReq,
      signWith: { certificate: existing, privateKey: client.privateKey },
    });
    const request = parsePkiMessage(message, recipient);
    expect(request.messageType).toBe(MessageType.RenewalReq);
    expect(request.signerCertificate.serialNumberHex).toBe(issued.serialNumberHex);
    expect(request.signerCertificate.issuer).toBe('O=Parse Test,CN=Parse Test Intermediate CA');
  });

  it('accepts BER as streamed by some clients: indefinite lengths and a chunked eContent', () => {
    const der = buildPkiRequest({ identity: client, recipient: ra, cipher: 'aes-128-cbc', digest: 'sha256', transactionId: 'BER' });
    const [typeNode, wrapper] = readSequence(readDer(der), 2, 2);
    const [signedData] = readConstructed(wrapper);
    const [version, digestAlgs, encap, certs, signerInfos] = readSequence(signedData, 5, 5);
    const [eType, eWrapper] = readSequence(encap, 2, 2);
    const content = Buffer.from(readConstructed(eWrapper)[0].content);
    const chunks: Buffer[] = [];
    for (let i = 0; i < content.length; i += 100) {
      const part = content.subarray(i, i + 100);
      chunks.push(Buffer.concat([Buffer.from([0x04, part.length]), part]));
    }
    const eoc = Buffer.from([0, 0]);
    const indefinite = (tag: number, ...inner: Uint8Array[]) => Buffer.concat([Buffer.from([tag, 0x80]), ...inner, eoc]);
    const ber = indefinite(
      0x30,
      typeNode.bytes,
      indefinite(
        0xa0,
        indefinite(0x30, version.bytes, digestAlgs.bytes, indefinite(0x30, eType.bytes, indefinite(0xa0, indefinite(0x24, ...chunks))), certs.bytes, signerInfos.bytes),
      ),
    );
    expect(ber.length).toBeGreaterThan(der.length);
    const request = parsePkiMessage(ber, recipient);
    expect(request.transactionId).toBe('BER');
    expect(request.challengePassword).toBe('challenge-ABC-123');
  });
});

describe('parsePkiMessage failures', () => {
  it.each([
    [MessageType.CertPoll, 'GetCertInitial'],
    [MessageType.GetCert, 'GetCert'],
    [MessageType.GetCRL, 'GetCRL'],
    [MessageType.UpdateReq, 'UpdateReq'],
    [99, 'unknown'],
  ])('rejects messageType %i (%s) with badRequest, keeping what a reply needs', (type) => {
    const nonce = Buffer.alloc(16, 7);
    const err = parseError(buildPkiRequest({ identity: client, recipient: ra, messageType: type, transactionId: 'poll-1', senderNonce: nonce }));
    expect(err.failInfo).toBe(FailInfo.badRequest);
    expect(err.code).toBe('unsupported-message-type');
    expect(err.canReply).toBe(true);
    expect(err.context).toMatchObject({ transactionId: 'poll-1', senderNonce: nonce, messageType: type, digest: 'sha1' });
  });

  it.each([
    [OID.scepTransactionId, 'transactionID'],
    [OID.scepSenderNonce, 'senderNonce'],
    [OID.scepMessageType, 'messageType'],
  ])('rejects a message without %s (%s) with badRequest', (attr, name) => {
    const err = parseError(buildPkiRequest({ identity: client, recipient: ra, omitAttributes: [attr] }));
    expect(err.failInfo).toBe(FailInfo.badRequest);
    expect(err.code).toBe('missing-attribute');
    expect(err.message).toContain(name);
  });

  it('answers a tampered signature with badMessageCheck and can still reply', () => {
    const message = buildPkiRequest({ identity: client, recipient: ra, transactionId: 'tampered' });
    message[message.length - 10] ^= 0x04;
    const err = parseError(message);
    expect(err.failInfo).toBe(FailInfo.badMessageCheck);
    expect(err.code).toBe('bad-signature');
    expect(err.context.transactionId).toBe('tampered');
    expect(err.canReply).toBe(true);
  });

  it('answers a modified envelope (messageDigest mismatch) with badMessageCheck', () => {
    const envelope = sealRequestEnvelope({ identity: client, recipient: ra });
    const message = buildPkiRequest({ identity: client, recipient: ra, envelope });
    const tampered = patch(message, envelope.subarray(envelope.length - 8), Buffer.from(envelope.subarray(envelope.length - 8)).map((b) => b ^ 0xff));
    const err = parseError(tampered);
    expect([err.failInfo, err.code]).toEqual([FailInfo.badMessageCheck, 'bad-signature']);
  });

  it('answers a message without the signer certificate with badMessageCheck', () => {
    const err = parseError(buildPkiRequest({ identity: client, recipient: ra, certificates: [], transactionId: 'no-cert' }));
    expect([err.failInfo, err.code]).toEqual([FailInfo.badMessageCheck, 'signer-not-found']);
    expect(err.canReply).toBe(true);
  });

  it('gives a bad key and a bad CSR exactly the same failure (no padding oracle)', () => {
    const otherRa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const wrongRecipientCert = parseCertificate(
      buildCertificate({
        serialNumber: ra.serialNumber,
        issuerDer: ra.issuerDer,
        subjectDer: ra.subjectDer,
        notBefore: new Date(),
        notAfter: new Date(Date.now() + 86_400_000),
        subjectPublicKeyInfoDer: otherRa.publicKey.export({ format: 'der', type: 'spki' }),
        extensions: [],
        signer: createSigner(otherRa.privateKey),
      }),
    );
    const wrongKey = parseError(buildPkiRequest({ identity: client, recipient: wrongRecipientCert, cipher: 'aes-128-cbc' }));
    const notCsr = parseError(buildPkiRequest({ identity: client, recipient: ra, content: Buffer.from('definitely not a CSR'), cipher: 'aes-128-cbc' }));
    const badCsrSig = Buffer.from(client.csr);
    badCsrSig[badCsrSig.length - 1] ^= 1;
    const badSignature = parseError(buildPkiRequest({ identity: client, recipient: ra, content: badCsrSig, cipher: 'aes-128-cbc' }));
    for (const err of [wrongKey, notCsr, badSignature]) {
      expect(err.failInfo).toBe(FailInfo.badMessageCheck);
      expect(err.code).toBe('decryption-failed');
      expect(err.canReply).toBe(true);
    }
  });

  it('answers unsupported digests, ciphers, key transports and signer keys with badAlg', () => {
    // A digest OID we do not accept, same length as SHA-1's: the SignerInfo digest is read
    // before the signature is checked, so patching the signed message is enough.
    const digestErr = parseError(patchAll(buildPkiRequest({ identity: client, recipient: ra, digest: 'sha1' }), oid(OID.sha1), oid('1.3.14.3.2.27')));
    expect([digestErr.failInfo, digestErr.code]).toEqual([FailInfo.badAlg, 'unsupported-algorithm']);

    // An envelope with a cipher we do not offer (DES-ECB OID in place of DES-CBC), signed properly.
    const envelope = sealRequestEnvelope({ identity: client, recipient: ra, cipher: 'des-cbc' });
    const cipherErr = parseError(buildPkiRequest({ identity: client, recipient: ra, envelope: patch(envelope, oid(OID.desCbc), oid('1.3.14.3.2.6')) }));
    expect([cipherErr.failInfo, cipherErr.code]).toEqual([FailInfo.badAlg, 'unsupported-algorithm']);

    // Key transport with an unknown algorithm (rsaEncryption -> md2WithRSA, same length).
    const ktErr = parseError(buildPkiRequest({ identity: client, recipient: ra, envelope: patch(envelope, oid(OID.rsaEncryption), oid('1.2.840.113549.1.1.2')) }));
    expect([ktErr.failInfo, ktErr.code]).toEqual([FailInfo.badAlg, 'unsupported-algorithm']);

    // A signer with an EC key: we could not encrypt the reply to it.
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecName = encodeName([['CN', 'ec-signer']]);
    const ecCert = parseCertificate(
      buildCertificate({
        serialNumber: randomSerialNumber(),
        issuerDer: ecName,
        subjectDer: ecName,
        notBefore: new Date(),
        notAfter: new Date(Date.now() + 86_400_000),
        subjectPublicKeyInfoDer: ec.publicKey.export({ format: 'der', type: 'spki' }),
        extensions: [],
        signer: createSigner(ec.privateKey),
      }),
    );
    const ecErr = parseError(buildPkiRequest({ identity: client, recipient: ra, digest: 'sha256', signWith: { certificate: ecCert, privateKey: ec.privateKey } }));
    expect([ecErr.failInfo, ecErr.code]).toEqual([FailInfo.badAlg, 'unsupported-key']);
    expect(ecErr.canReply).toBe(true);

    // A CSR signed with MD5 inside a valid envelope.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const csr = patch(buildCsr({ key: privateKey, publicKey }), oid(OID.sha256WithRsa), oid('1.2.840.113549.1.1.4'));
    const md5Err = parseError(buildPkiRequest({ identity: client, recipient: ra, content: csr }));
    expect([md5Err.failInfo, md5Err.code]).toEqual([FailInfo.badAlg, 'unsupported-algorithm']);
  });

  it('answers what is not a pkiMessage with badRequest and no reply context', () => {
    const envelope = sealRequestEnvelope({ identity: client, recipient: ra });
    for (const input of [Buffer.alloc(0), Buffer.from('hello'), envelope, client.csr, authority.ra.certificateDer, Buffer.from(toPem(client.csr, 'X'))]) {
      const err = parseError(input);
      expect(err.failInfo).toBe(FailInfo.badRequest);
      expect(err.code).toBe('malformed');
      expect(err.canReply).toBe(false);
    }
  });

  it('answers every truncation of a valid message with a ScepError', () => {
    const message = buildPkiRequest({ identity: client, recipient: ra });
    for (let cut = 0; cut < message.length; cut += 11) {
      expect(() => parsePkiMessage(message.subarray(0, cut), recipient)).toThrow(ScepError);
    }
  });

  it('survives thousands of random mutations with only ScepError', () => {
    const valid = [
      buildPkiRequest({ identity: client, recipient: ra, cipher: 'des-cbc', digest: 'sha1' }),
      buildPkiRequest({ identity: client, recipient: ra, cipher: 'aes-256-cbc', digest: 'sha256', keyTransport: { scheme: 'rsa-oaep', hash: 'sha256' } }),
    ];
    const random = prng(20260101);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      let input = mutate(valid[i % 2], random);
      if (random() < 0.2) input = mutate(input, random); // sometimes two mutations
      let outcome: string;
      try {
        parsePkiMessage(input, recipient);
        outcome = 'parsed';
      } catch (err) {
        if (!(err instanceof ScepError)) throw new Error(`iteration ${i}: ${(err as Error).stack}`);
        outcome = `${err.failInfo}:${err.code}`;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // The mutations reached every layer: structure, attributes, signature.
    expect(outcomes.get('2:malformed')).toBeGreaterThan(0);
    expect(outcomes.get('1:bad-signature')).toBeGreaterThan(0);
    expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(3000);
  });
});

describe('parsePkiMessage fuzzing inside the signature', () => {
  // Mutations of the outer message mostly die at the signature check; these sign mutated
  // envelopes and mutated CSRs properly, so the envelope and CSR parsers see the garbage.
  it('survives mutated envelopes and mutated CSRs with only ScepError', () => {
    const envelope = sealRequestEnvelope({ identity: client, recipient: ra, cipher: 'aes-128-cbc' });
    const random = prng(777);
    const outcomes = new Map<string, number>();
    const record = (input: () => Buffer, i: number) => {
      let outcome = 'parsed';
      try {
        parsePkiMessage(input(), recipient);
      } catch (err) {
        if (!(err instanceof ScepError)) throw new Error(`iteration ${i}: ${(err as Error).stack}`);
        outcome = `${err.failInfo}:${err.code}`;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    };
    for (let i = 0; i < 1200; i++) {
      record(() => buildPkiRequest({ identity: client, recipient: ra, digest: 'sha256', envelope: mutate(envelope, random) }), i);
    }
    for (let i = 0; i < 600; i++) {
      record(() => buildPkiRequest({ identity: client, recipient: ra, cipher: 'des-ede3-cbc', content: mutate(client.csr, random) }), i);
    }
    expect(outcomes.get('2:malformed')).toBeGreaterThan(0); // envelope structure
    expect(outcomes.get('1:decryption-failed')).toBeGreaterThan(0); // key, padding or CSR
  });
});

/** Replaces every occurrence of `from` with `to` (same length). */
function patchAll(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Buffer {
  const out = Buffer.from(bytes);
  let at = out.indexOf(Buffer.from(from));
  while (at >= 0) {
    Buffer.from(to).copy(out, at);
    at = out.indexOf(Buffer.from(from), at + 1);
  }
  return out;
}
