// TPM2_MakeCredential done in software (TPM 2.0 Part 1 §24 "Credential Protection", Part 3 §12.6)
// and its counterpart TPM2_ActivateCredential for software keys (tests, diagnostics).
//
//   seed        = random, shared with the EK holder by secret sharing (Part 1 Annex B.10.3 / C.6.4):
//                 RSA: RSA-OAEP(EK, seed, label "IDENTITY\0", hash = EK nameAlg)
//                 ECC: ephemeral ECDH with the EK, seed = KDFe(nameAlg, Z, "IDENTITY", ephX, ekX)
//   symKey      = KDFa(nameAlg, seed, "STORAGE", akName, "", EK symmetric keyBits)
//   encIdentity = AES-CFB(symKey, IV 0, TPM2B_DIGEST(credential))
//   hmacKey     = KDFa(nameAlg, seed, "INTEGRITY", "", "", digest bits)
//   outerHMAC   = HMAC(nameAlg, hmacKey, encIdentity || akName)
//   idObject    = TPM2B_ID_OBJECT(TPM2B_DIGEST(outerHMAC) || encIdentity)
//   encSecret   = TPM2B_ENCRYPTED_SECRET(RSA ciphertext | TPMS_ECC_POINT of the ephemeral key)
import { createCipheriv, createDecipheriv, createECDH, createHmac, constants, privateDecrypt, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { TPM_ALG, TPMA_OBJECT, algName } from './constants';
import { TpmError } from './errors';
import { hashInfo } from './hash';
import { kdfa, kdfe } from './kdf';
import { TpmReader, tpm2b, u32 } from './marshal';
import { rsaOaepEncrypt } from './oaep';
import { curveInfo, fixedSize, publicKeyOf, type TpmtPublic } from './public-area';

export const CREDENTIAL_LABEL = 'IDENTITY';

export interface SecretSharingOptions {
  /** The seed to share (RSA); random otherwise. Tests only. */
  seed?: Uint8Array;
  /** The OAEP seed (RSA); random otherwise. Tests only. */
  oaepSeed?: Uint8Array;
  /** The ephemeral ECDH private scalar (ECC); random otherwise. Tests only. */
  ephemeralPrivateKey?: Uint8Array;
}

export interface SharedSecret {
  seed: Buffer;
  /** Content of TPM2B_ENCRYPTED_SECRET (no size prefix). */
  encryptedSecret: Buffer;
}

function oaepHashOf(area: TpmtPublic): number {
  if (area.kind !== 'rsa') throw new TpmError('invalid', 'not an RSA key');
  if (area.scheme.scheme === TPM_ALG.OAEP && area.scheme.hashAlg) return area.scheme.hashAlg;
  if (area.scheme.scheme !== TPM_ALG.NULL) throw new TpmError('unsupported', `RSA scheme ${algName(area.scheme.scheme)} cannot receive a shared secret`);
  return area.nameAlg;
}

/** Secret sharing to a decryption key (the "labeled encapsulation" of Part 1 B.10.3 and C.6.4). */
export function shareSecret(area: TpmtPublic, label: string, options: SecretSharingOptions = {}): SharedSecret {
  const labelBytes = Buffer.concat([Buffer.from(label, 'latin1'), Buffer.from([0])]);
  if (area.kind === 'rsa') {
    const hashAlg = oaepHashOf(area);
    const { node, size } = hashInfo(hashAlg);
    const seed = Buffer.from(options.seed ?? randomBytes(size));
    return { seed, encryptedSecret: rsaOaepEncrypt(publicKeyOf(area), seed, labelBytes, node, options.oaepSeed) };
  }
  if (area.kind === 'ecc') {
    const curve = curveInfo(area.curveId);
    const ecdh = createECDH(curve.node);
    if (options.ephemeralPrivateKey) ecdh.setPrivateKey(fixedSize(options.ephemeralPrivateKey, curve.size, 'ephemeral private key'));
    else ecdh.generateKeys();
    const ephemeral = ecdh.getPublicKey();
    const ephX = ephemeral.subarray(1, 1 + curve.size);
    const ephY = ephemeral.subarray(1 + curve.size);
    const ekX = fixedSize(area.x, curve.size, 'EK x');
    const ekY = fixedSize(area.y, curve.size, 'EK y');
    let z: Buffer;
    try {
      z = ecdh.computeSecret(Buffer.concat([Buffer.from([4]), ekX, ekY]));
    } catch (err) {
      throw new TpmError('invalid', 'the ECC public key is not a point on its curve', { cause: err });
    }
    const seed = kdfe(area.nameAlg, z, label, ephX, ekX, hashInfo(area.nameAlg).size * 8);
    return { seed, encryptedSecret: Buffer.concat([tpm2b(ephX), tpm2b(ephY)]) };
  }
  throw new TpmError('unsupported', `a ${area.kind} object cannot receive a shared secret`);
}

/** The software side of shareSecret, given the decryption key's private key. */
export function recoverSecret(area: TpmtPublic, privateKey: KeyObject, label: string, encryptedSecret: Uint8Array): Buffer {
  const labelBytes = Buffer.concat([Buffer.from(label, 'latin1'), Buffer.from([0])]);
  if (area.kind === 'rsa') {
    try {
      return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hashInfo(oaepHashOf(area)).node, oaepLabel: labelBytes }, encryptedSecret);
    } catch (err) {
      throw new TpmError('invalid', 'the encrypted secret does not decrypt with this key', { cause: err });
    }
  }
  if (area.kind === 'ecc') {
    const curve = curveInfo(area.curveId);
    const r = new TpmReader(encryptedSecret, 'TPMS_ECC_POINT');
    const x = fixedSize(r.tpm2b('x', 128), curve.size, 'x');
    const y = fixedSize(r.tpm2b('y', 128), curve.size, 'y');
    r.end();
    const d = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
    const ecdh = createECDH(curve.node);
    ecdh.setPrivateKey(fixedSize(d, curve.size, 'd'));
    const z = ecdh.computeSecret(Buffer.concat([Buffer.from([4]), x, y]));
    return kdfe(area.nameAlg, z, label, x, fixedSize(area.x, curve.size, 'EK x'), hashInfo(area.nameAlg).size * 8);
  }
  throw new TpmError('unsupported', `a ${area.kind} object cannot receive a shared secret`);
}

function cipherName(area: TpmtPublic): string {
  const sym = area.kind === 'rsa' || area.kind === 'ecc' ? area.symmetric : undefined;
  if (!sym || sym.algorithm !== TPM_ALG.AES || sym.mode !== TPM_ALG.CFB || ![128, 192, 256].includes(sym.keyBits ?? 0)) {
    throw new TpmError(
      'unsupported',
      `the EK's symmetric algorithm must be AES-CFB (128, 192 or 256 bits) to protect a credential; it is ${sym ? `${algName(sym.algorithm)}-${sym.keyBits ?? ''}-${algName(sym.mode ?? 0)}` : 'none'}`,
    );
  }
  return `aes-${sym.keyBits}-cfb`;
}

function symmetricKeyBits(area: TpmtPublic): number {
  return area.kind === 'rsa' || area.kind === 'ecc' ? (area.symmetric.keyBits ?? 0) : 0;
}

export interface MakeCredentialInput {
  /** The EK (or any restricted decryption key) that will activate the credential. */
  ekPublic: TpmtPublic;
  /** Name of the object the credential is bound to (the AK): nameAlg || digest. */
  akName: Uint8Array;
  /** The secret (at most the EK nameAlg's digest size). */
  credential: Uint8Array;
  /** Deterministic inputs for test vectors. */
  sharing?: SecretSharingOptions;
}

export interface MadeCredential {
  /** TPM2B_ID_OBJECT, size prefix included (TPM2_ActivateCredential's credentialBlob). */
  idObject: Buffer;
  /** TPM2B_ENCRYPTED_SECRET, size prefix included (TPM2_ActivateCredential's secret). */
  encryptedSecret: Buffer;
}

export function makeCredential(input: MakeCredentialInput): MadeCredential {
  const ek = input.ekPublic;
  if (ek.kind !== 'rsa' && ek.kind !== 'ecc') throw new TpmError('unsupported', 'the EK must be an RSA or ECC key');
  if ((ek.objectAttributes & TPMA_OBJECT.decrypt) === 0) throw new TpmError('invalid', 'the EK is not a decryption key');
  const { node, size } = hashInfo(ek.nameAlg);
  if (input.credential.length === 0 || input.credential.length > size) {
    throw new TpmError('invalid', `the credential must be 1 to ${size} bytes for an EK with nameAlg ${algName(ek.nameAlg)}`);
  }
  if (input.akName.length < 2) throw new TpmError('malformed', 'the AK name is empty');
  const cipher = cipherName(ek);
  const { seed, encryptedSecret } = shareSecret(ek, CREDENTIAL_LABEL, input.sharing);
  const symKey = kdfa(ek.nameAlg, seed, 'STORAGE', input.akName, new Uint8Array(), symmetricKeyBits(ek));
  const c = createCipheriv(cipher, symKey, Buffer.alloc(16));
  const encIdentity = Buffer.concat([c.update(tpm2b(input.credential)), c.final()]);
  const hmacKey = kdfa(ek.nameAlg, seed, 'INTEGRITY', new Uint8Array(), new Uint8Array(), size * 8);
  const outerHmac = createHmac(node, hmacKey).update(encIdentity).update(input.akName).digest();
  return {
    idObject: tpm2b(Buffer.concat([tpm2b(outerHmac), encIdentity])),
    encryptedSecret: tpm2b(encryptedSecret),
  };
}

export interface ActivateCredentialInput {
  ekPublic: TpmtPublic;
  ekPrivateKey: KeyObject;
  akName: Uint8Array;
  idObject: Uint8Array;
  encryptedSecret: Uint8Array;
}

/** TPM2_ActivateCredential in software: integrity first, then decryption, as the TPM does. */
export function activateCredentialInSoftware(input: ActivateCredentialInput): Buffer {
  const ek = input.ekPublic;
  const { node, size } = hashInfo(ek.nameAlg);
  const secretReader = new TpmReader(input.encryptedSecret, 'TPM2B_ENCRYPTED_SECRET');
  const secret = secretReader.tpm2b('encryptedSecret');
  secretReader.end();
  const seed = recoverSecret(ek, input.ekPrivateKey, CREDENTIAL_LABEL, secret);
  const idReader = new TpmReader(input.idObject, 'TPM2B_ID_OBJECT');
  const inner = new TpmReader(idReader.tpm2b('idObject'), 'TPMS_ID_OBJECT');
  idReader.end();
  const integrity = inner.tpm2b('integrityHMAC', 64);
  const encIdentity = inner.bytesOf(inner.remaining, 'encIdentity');
  const hmacKey = kdfa(ek.nameAlg, seed, 'INTEGRITY', new Uint8Array(), new Uint8Array(), size * 8);
  const expected = createHmac(node, hmacKey).update(encIdentity).update(input.akName).digest();
  if (integrity.length !== expected.length || !timingSafeEqual(integrity, expected)) {
    throw new TpmError('invalid', 'the credential integrity check failed (wrong EK, wrong AK name or tampered blob)');
  }
  const symKey = kdfa(ek.nameAlg, seed, 'STORAGE', input.akName, new Uint8Array(), symmetricKeyBits(ek));
  const d = createDecipheriv(cipherName(ek), symKey, Buffer.alloc(16));
  const plain = Buffer.concat([d.update(encIdentity), d.final()]);
  const r = new TpmReader(plain, 'TPM2B_DIGEST credential');
  const credential = r.tpm2b('credential', 64);
  r.end();
  return Buffer.from(credential);
}

const TPM2_TOOLS_MAGIC = 0xbadcc0de;
const TPM2_TOOLS_VERSION = 1;

/** The file tpm2_makecredential writes and tpm2_activatecredential -i reads. */
export function encodeTpm2ToolsCredential(made: MadeCredential): Buffer {
  return Buffer.concat([u32(TPM2_TOOLS_MAGIC), u32(TPM2_TOOLS_VERSION), made.idObject, made.encryptedSecret]);
}

export function decodeTpm2ToolsCredential(file: Uint8Array): MadeCredential {
  const r = new TpmReader(file, 'tpm2-tools credential file');
  if (r.u32('magic') !== TPM2_TOOLS_MAGIC) throw new TpmError('malformed', 'not a tpm2-tools credential file (magic 0xBADCC0DE)');
  if (r.u32('version') !== TPM2_TOOLS_VERSION) throw new TpmError('unsupported', 'unknown tpm2-tools credential file version');
  const idStart = r.position;
  r.tpm2b('idObject');
  const idObject = Buffer.from(r.slice(idStart));
  const secretStart = r.position;
  r.tpm2b('encryptedSecret');
  const encryptedSecret = Buffer.from(r.slice(secretStart));
  r.end();
  return { idObject, encryptedSecret };
}
