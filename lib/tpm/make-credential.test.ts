// MakeCredential against published vectors (secret sharing), against itself in software, and
// against tpm2-tools' tpm2_makecredential, which runs without a TPM (-T none).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import vectors from './testdata/tpm-test-vectors.json';
import { privateKeyFromSensitive, softwareEk, softwareSigningKey } from './testdata/software-keys';
import { TpmError } from './errors';
import {
  activateCredentialInSoftware,
  decodeTpm2ToolsCredential,
  encodeTpm2ToolsCredential,
  makeCredential,
  recoverSecret,
  shareSecret,
} from './make-credential';
import { marshalTpm2bPublic, objectName, parseTpmtPublic } from './public-area';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('secret sharing against chrisfenner/tpm-test-vectors', () => {
  for (const v of vectors.rsaLabeledEncaps) {
    it(`RSA ${v.Name}: ${v.Description} (${v.Label})`, () => {
      const area = parseTpmtPublic(hex(v.PublicKey));
      const shared = shareSecret(area, v.Label, { seed: hex(v.Secret), oaepSeed: hex(v.OAEPSalt) });
      expect(shared.encryptedSecret.toString('hex')).toBe(v.Ciphertext);
      // And back, with the vector's private key.
      expect(recoverSecret(area, privateKeyFromSensitive(area, hex(v.PrivateKey)), v.Label, hex(v.Ciphertext)).toString('hex')).toBe(v.Secret);
    });
  }
  for (const v of vectors.eccLabeledEncaps) {
    it(`ECC ${v.Name}: ${v.Description} (${v.Label})`, () => {
      const area = parseTpmtPublic(hex(v.PublicKey));
      const shared = shareSecret(area, v.Label, { ephemeralPrivateKey: hex(v.EphemeralPrivate) });
      expect(shared.encryptedSecret.toString('hex')).toBe(v.Ciphertext);
      expect(shared.seed.toString('hex')).toBe(v.Secret);
      expect(recoverSecret(area, privateKeyFromSensitive(area, hex(v.PrivateKey)), v.Label, hex(v.Ciphertext)).toString('hex')).toBe(v.Secret);
    });
  }
});

describe('makeCredential / activateCredentialInSoftware', () => {
  for (const kind of ['rsa', 'p256', 'p384'] as const) {
    it(`round-trips a credential to a ${kind} EK and refuses a wrong AK name or another EK`, () => {
      const ek = softwareEk(kind);
      const ak = softwareSigningKey('rsa');
      const akName = objectName(ak.area);
      const credential = Buffer.from('0123456789abcdef0123456789abcdef');
      const made = makeCredential({ ekPublic: ek.area, akName, credential });
      expect(activateCredentialInSoftware({ ekPublic: ek.area, ekPrivateKey: ek.privateKey, akName, ...made })).toEqual(credential);

      const otherAk = objectName(softwareSigningKey('p256').area);
      expect(() => activateCredentialInSoftware({ ekPublic: ek.area, ekPrivateKey: ek.privateKey, akName: otherAk, ...made })).toThrow(/integrity/);
      const otherEk = softwareEk(kind);
      expect(() => activateCredentialInSoftware({ ekPublic: otherEk.area, ekPrivateKey: otherEk.privateKey, akName, ...made })).toThrow(TpmError);
      const tampered = Buffer.from(made.idObject);
      tampered[tampered.length - 1] ^= 1;
      expect(() => activateCredentialInSoftware({ ekPublic: ek.area, ekPrivateKey: ek.privateKey, akName, idObject: tampered, encryptedSecret: made.encryptedSecret })).toThrow(/integrity/);
    });
  }

  it('sizes the blobs as the TPM does: 2+2+digest+2+credential, and the EK modulus for RSA', () => {
    const ek = softwareEk('rsa');
    const made = makeCredential({ ekPublic: ek.area, akName: objectName(softwareSigningKey().area), credential: Buffer.alloc(32, 7) });
    expect(made.idObject.length).toBe(2 + 2 + 32 + 2 + 32);
    expect(made.encryptedSecret.length).toBe(2 + 256);
  });

  it('refuses an empty or oversized credential and a non-decryption EK', () => {
    const ek = softwareEk('rsa');
    const akName = objectName(softwareSigningKey().area);
    expect(() => makeCredential({ ekPublic: ek.area, akName, credential: Buffer.alloc(0) })).toThrow(/1 to 32 bytes/);
    expect(() => makeCredential({ ekPublic: ek.area, akName, credential: Buffer.alloc(33) })).toThrow(/1 to 32 bytes/);
    expect(() => makeCredential({ ekPublic: softwareSigningKey().area, akName, credential: Buffer.alloc(32) })).toThrow(/not a decryption key/);
  });

  it('reads and writes the tpm2-tools credential file (0xBADCC0DE, version 1)', () => {
    const ek = softwareEk('rsa');
    const made = makeCredential({ ekPublic: ek.area, akName: objectName(softwareSigningKey().area), credential: Buffer.alloc(16, 1) });
    const file = encodeTpm2ToolsCredential(made);
    expect(file.subarray(0, 8).toString('hex')).toBe('badcc0de00000001');
    expect(decodeTpm2ToolsCredential(file)).toEqual(made);
  });
});

const haveTpm2Tools = spawnSync('sh', ['-c', 'command -v tpm2_makecredential']).status === 0;

describe.skipIf(!haveTpm2Tools)('cross-check with tpm2_makecredential -T none', () => {
  for (const kind of ['rsa', 'p256'] as const) {
    it(`${kind}: its output has our layout and opens with our software ActivateCredential, and ours matches its sizes`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-mkcred-'));
      try {
        const ek = softwareEk(kind);
        const ak = softwareSigningKey('rsa');
        const akName = objectName(ak.area);
        const secret = Buffer.from('a secret of exactly 32 bytes....');
        fs.writeFileSync(path.join(dir, 'ek.pub'), marshalTpm2bPublic(ek.area));
        fs.writeFileSync(path.join(dir, 'secret'), secret);
        const r = spawnSync('tpm2_makecredential', ['-T', 'none', '-e', path.join(dir, 'ek.pub'), '-s', path.join(dir, 'secret'), '-n', akName.toString('hex'), '-o', path.join(dir, 'cred')]);
        expect(r.status, r.stderr?.toString()).toBe(0);
        const theirs = decodeTpm2ToolsCredential(fs.readFileSync(path.join(dir, 'cred')));
        expect(activateCredentialInSoftware({ ekPublic: ek.area, ekPrivateKey: ek.privateKey, akName, ...theirs })).toEqual(secret);
        const ours = makeCredential({ ekPublic: ek.area, akName, credential: secret });
        expect(ours.idObject.length).toBe(theirs.idObject.length);
        expect(ours.encryptedSecret.length).toBe(theirs.encryptedSecret.length);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
