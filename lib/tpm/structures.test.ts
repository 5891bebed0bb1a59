// TPM structure parsing and encoding: round trips, both public-area forms, and the refusals a
// hostile or truncated input must get (always a TpmError, never a crash).
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import vectors from './testdata/tpm-test-vectors.json';
import { TPM_ALG, TPM_ST_ATTEST, TPM_GENERATED_VALUE, objectAttributeNames } from './constants';
import { TpmError } from './errors';
import { marshalTpmsAttest, parseTpmsAttest } from './attest';
import { decodeCertifyResponse, encodeCertifyCommand, TPM_CC_CERTIFY } from './commands';
import { defaultEkPublicArea, ekUriOf, isEkUri } from './ek';
import { marshalTpm2bPublic, marshalTpmtPublic, objectName, parsePublicArea, parseTpm2bPublic, parseTpmtPublic, publicKeyOf, spkiOf } from './public-area';
import { marshalTpmtSignature, parseTpmtSignature, signAsTpm, tryParseTpmtSignature, verifyTpmSignature } from './signature';
import { signingArea } from './testdata/software-keys';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('TPMT_PUBLIC / TPM2B_PUBLIC', () => {
  it('round-trips every public area of the test vectors and yields the same key', () => {
    for (const v of [...vectors.rsaLabeledEncaps, ...vectors.eccLabeledEncaps]) {
      const area = parseTpmtPublic(hex(v.PublicKey));
      expect(marshalTpmtPublic(area).toString('hex'), v.Name).toBe(v.PublicKey);
      const asTpm2b = marshalTpm2bPublic(area);
      expect(parsePublicArea(asTpm2b).bytes).toEqual(area.bytes);
      expect(parsePublicArea(hex(v.PublicKey)).bytes).toEqual(area.bytes);
      expect(publicKeyOf(area).type).toBe('public');
    }
  });

  it('rebuilds a software key exactly and names it nameAlg || H(TPMT_PUBLIC)', () => {
    for (const pair of [generateKeyPairSync('rsa', { modulusLength: 2048 }), generateKeyPairSync('ec', { namedCurve: 'P-384' })]) {
      const area = signingArea(pair.publicKey);
      expect(spkiOf(area)).toEqual(pair.publicKey.export({ type: 'spki', format: 'der' }));
      const name = objectName(area);
      expect(name.subarray(0, 2).toString('hex')).toBe('000b');
      expect(name.length).toBe(34);
      expect(objectAttributeNames(area.objectAttributes)).toEqual(['fixedTPM', 'fixedParent', 'sensitiveDataOrigin', 'userWithAuth', 'restricted', 'sign']);
    }
  });

  it('refuses truncated, padded, mislabelled and unknown structures with a TpmError', () => {
    const good = marshalTpmtPublic(defaultEkPublicArea(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey));
    const bad = [
      good.subarray(0, good.length - 1),
      Buffer.concat([good, Buffer.from([0])]),
      Buffer.concat([Buffer.from([0x01, 0x00]), good]), // TPM2B whose size lies
      Buffer.from('0099000b', 'hex'), // unknown type
      randomBytes(3),
      Buffer.alloc(0),
    ];
    for (const b of bad) expect(() => parsePublicArea(b), b.toString('hex').slice(0, 16)).toThrow(TpmError);
    expect(() => parseTpm2bPublic(good)).toThrow(/TPM2B_PUBLIC says/);
  });
});

describe('EK URI', () => {
  it('is urn:ek:sha256: and the standard base64 of SHA-256 over the DER SPKI', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const uri = ekUriOf(key);
    expect(isEkUri(uri)).toBe(true);
    expect(uri).toBe(`urn:ek:sha256:${createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('base64')}`);
    expect(isEkUri('urn:ek:sha256:abc')).toBe(false);
  });
});

describe('TPMS_ATTEST and TPMT_SIGNATURE', () => {
  const template = {
    type: TPM_ST_ATTEST.QUOTE,
    qualifiedSigner: randomBytes(34),
    extraData: randomBytes(32),
    clockInfo: { clock: 1n, resetCount: 2, restartCount: 3, safe: false },
    firmwareVersion: 7n,
    attested: { type: 'quote' as const, pcrSelect: [{ hashAlg: TPM_ALG.SHA256, select: Buffer.from([0xff, 0, 0]) }], pcrDigest: randomBytes(32) },
  };

  it('round-trips quote, certify and creation attestations', () => {
    const quote = parseTpmsAttest(marshalTpmsAttest(template));
    expect(quote.magic).toBe(TPM_GENERATED_VALUE);
    if (quote.attested.type !== 'quote') throw new Error('not a quote');
    expect(quote.attested.pcrSelect.map((p) => [p.hashAlg, Buffer.from(p.select).toString('hex')])).toEqual([[TPM_ALG.SHA256, 'ff0000']]);
    expect(Buffer.from(quote.attested.pcrDigest)).toEqual(template.attested.pcrDigest);
    expect(quote.clockInfo).toEqual(template.clockInfo);
    const creation = parseTpmsAttest(marshalTpmsAttest({ ...template, type: TPM_ST_ATTEST.CREATION, attested: { type: 'creation', objectName: randomBytes(34), creationHash: randomBytes(32) } }));
    expect(creation.attested.type).toBe('creation');
  });

  it('refuses a foreign magic, an unknown type and trailing bytes', () => {
    expect(() => parseTpmsAttest(marshalTpmsAttest({ ...template, magic: 0xdeadbeef }))).toThrow(/TPM_GENERATED_VALUE/);
    expect(() => parseTpmsAttest(marshalTpmsAttest({ ...template, type: 0x1234 }))).toThrow(/not an attestation type/);
    expect(() => parseTpmsAttest(Buffer.concat([marshalTpmsAttest(template), Buffer.from([0])]))).toThrow(/trailing/);
  });

  it('signs and verifies RSASSA, RSAPSS and ECDSA; refuses the wrong key or scheme', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const data = randomBytes(100);
    for (const [key, sigAlg] of [[rsa, TPM_ALG.RSASSA], [rsa, TPM_ALG.RSAPSS], [ec, TPM_ALG.ECDSA]] as const) {
      const sig = parseTpmtSignature(marshalTpmtSignature(signAsTpm(data, key.privateKey, { sigAlg, hashAlg: TPM_ALG.SHA256 })));
      expect(verifyTpmSignature(sig, data, key.publicKey)).toBe(true);
      expect(verifyTpmSignature(sig, randomBytes(100), key.publicKey)).toBe(false);
      expect(verifyTpmSignature(sig, data, (key === rsa ? ec : rsa).publicKey)).toBe(false);
    }
    expect(tryParseTpmtSignature(randomBytes(256))).toBeNull();
  });
});

describe('raw TPM2_Certify', () => {
  it('encodes the command with two password sessions and the qualifying data', () => {
    const cmd = encodeCertifyCommand({ objectHandle: 0x81000020, signHandle: 0x81000010, qualifyingData: Buffer.alloc(32, 0xaa) });
    expect(cmd.readUInt16BE(0)).toBe(0x8002);
    expect(cmd.readUInt32BE(2)).toBe(cmd.length);
    expect(cmd.readUInt32BE(6)).toBe(TPM_CC_CERTIFY);
    expect(cmd.subarray(cmd.length - 36, cmd.length - 2)).toEqual(Buffer.concat([Buffer.from([0, 32]), Buffer.alloc(32, 0xaa)]));
  });

  it('reports a TPM error response code', () => {
    expect(() => decodeCertifyResponse(Buffer.from('80010000000a0000012f', 'hex'))).toThrow(/0x0000012f/);
  });
});
