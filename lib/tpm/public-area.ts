// TPMT_PUBLIC / TPM2B_PUBLIC (TPM 2.0 Part 2 §12.2): parse, marshal, the object's Name
// (Part 1 §16: nameAlg || H_nameAlg(TPMT_PUBLIC)) and its public key as a Node KeyObject.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { TPM_ALG, TPM_ECC_CURVE, algName } from './constants';
import { TpmError } from './errors';
import { digest, hashInfo, isHashAlg } from './hash';
import { TpmReader, tpm2b, u16, u32 } from './marshal';

const MGF1 = 0x0007;

export interface SymmetricDefinition {
  /** TPM_ALG_NULL, AES, SM4 or CAMELLIA. */
  algorithm: number;
  keyBits?: number;
  /** CFB for storage and EK keys. */
  mode?: number;
}

export interface SchemeDefinition {
  scheme: number;
  hashAlg?: number;
  /** ECDAA commit count. */
  count?: number;
  /** XOR keyed-hash scheme: its KDF. */
  kdf?: number;
}

interface PublicAreaCommon {
  nameAlg: number;
  objectAttributes: number;
  authPolicy: Uint8Array;
}

export interface RsaPublicTemplate extends PublicAreaCommon {
  kind: 'rsa';
  symmetric: SymmetricDefinition;
  scheme: SchemeDefinition;
  keyBits: number;
  /** 0 means the default exponent 65537. */
  exponent: number;
  modulus: Uint8Array;
}

export interface EccPublicTemplate extends PublicAreaCommon {
  kind: 'ecc';
  symmetric: SymmetricDefinition;
  scheme: SchemeDefinition;
  curveId: number;
  kdf: SchemeDefinition;
  x: Uint8Array;
  y: Uint8Array;
}

export interface KeyedHashPublicTemplate extends PublicAreaCommon {
  kind: 'keyedhash';
  scheme: SchemeDefinition;
  unique: Uint8Array;
}

export interface SymCipherPublicTemplate extends PublicAreaCommon {
  kind: 'symcipher';
  symmetric: SymmetricDefinition;
  unique: Uint8Array;
}

export type PublicAreaTemplate = RsaPublicTemplate | EccPublicTemplate | KeyedHashPublicTemplate | SymCipherPublicTemplate;

/** A parsed TPMT_PUBLIC with the exact bytes it was read from (what the Name hashes). */
export type TpmtPublic = PublicAreaTemplate & { type: number; bytes: Uint8Array };

const TYPE_OF: Record<PublicAreaTemplate['kind'], number> = {
  rsa: TPM_ALG.RSA,
  ecc: TPM_ALG.ECC,
  keyedhash: TPM_ALG.KEYEDHASH,
  symcipher: TPM_ALG.SYMCIPHER,
};

// ---- reading ----

function readSymmetric(r: TpmReader): SymmetricDefinition {
  const algorithm = r.u16('symmetric.algorithm');
  if (algorithm === TPM_ALG.NULL) return { algorithm };
  if (algorithm !== TPM_ALG.AES && algorithm !== TPM_ALG.SM4 && algorithm !== TPM_ALG.CAMELLIA) {
    throw new TpmError('malformed', `symmetric algorithm ${algName(algorithm)} is not a block cipher`);
  }
  return { algorithm, keyBits: r.u16('symmetric.keyBits'), mode: r.u16('symmetric.mode') };
}

function readHashAlg(r: TpmReader, field: string): number {
  const alg = r.u16(field);
  if (!isHashAlg(alg) && alg !== TPM_ALG.NULL) throw new TpmError('malformed', `${field} ${algName(alg)} is not a hash algorithm`);
  return alg;
}

function readRsaScheme(r: TpmReader): SchemeDefinition {
  const scheme = r.u16('scheme');
  switch (scheme) {
    case TPM_ALG.NULL:
    case TPM_ALG.RSAES:
      return { scheme };
    case TPM_ALG.RSASSA:
    case TPM_ALG.RSAPSS:
    case TPM_ALG.OAEP:
      return { scheme, hashAlg: readHashAlg(r, 'scheme.hashAlg') };
    default:
      throw new TpmError('malformed', `RSA scheme ${algName(scheme)} is not an RSA scheme`);
  }
}

function readEccScheme(r: TpmReader): SchemeDefinition {
  const scheme = r.u16('scheme');
  switch (scheme) {
    case TPM_ALG.NULL:
      return { scheme };
    case TPM_ALG.ECDSA:
    case TPM_ALG.ECDH:
    case TPM_ALG.ECSCHNORR:
    case TPM_ALG.SM2:
    case TPM_ALG.ECMQV:
      return { scheme, hashAlg: readHashAlg(r, 'scheme.hashAlg') };
    case TPM_ALG.ECDAA:
      return { scheme, hashAlg: readHashAlg(r, 'scheme.hashAlg'), count: r.u16('scheme.count') };
    default:
      throw new TpmError('malformed', `ECC scheme ${algName(scheme)} is not an ECC scheme`);
  }
}

function readKdf(r: TpmReader): SchemeDefinition {
  const scheme = r.u16('kdf.scheme');
  if (scheme === TPM_ALG.NULL) return { scheme };
  if (![MGF1, TPM_ALG.KDF1_SP800_56A, TPM_ALG.KDF2, TPM_ALG.KDF1_SP800_108].includes(scheme)) {
    throw new TpmError('malformed', `KDF ${algName(scheme)} is not a key derivation function`);
  }
  return { scheme, hashAlg: readHashAlg(r, 'kdf.hashAlg') };
}

function readKeyedHashScheme(r: TpmReader): SchemeDefinition {
  const scheme = r.u16('scheme');
  if (scheme === TPM_ALG.NULL) return { scheme };
  if (scheme === TPM_ALG.HMAC) return { scheme, hashAlg: readHashAlg(r, 'scheme.hashAlg') };
  if (scheme === TPM_ALG.XOR) return { scheme, hashAlg: readHashAlg(r, 'scheme.hashAlg'), kdf: r.u16('scheme.kdf') };
  throw new TpmError('malformed', `keyed-hash scheme ${algName(scheme)} is not HMAC or XOR`);
}

function readPublic(r: TpmReader, start: number): TpmtPublic {
  const type = r.u16('type');
  const nameAlg = r.u16('nameAlg');
  if (!isHashAlg(nameAlg) && nameAlg !== TPM_ALG.NULL) throw new TpmError('malformed', `nameAlg ${algName(nameAlg)} is not a hash algorithm`);
  const objectAttributes = r.u32('objectAttributes');
  const authPolicy = r.tpm2b('authPolicy', 64);
  const common = { nameAlg, objectAttributes, authPolicy };
  let area: PublicAreaTemplate;
  switch (type) {
    case TPM_ALG.RSA: {
      const symmetric = readSymmetric(r);
      const scheme = readRsaScheme(r);
      const keyBits = r.u16('keyBits');
      const exponent = r.u32('exponent');
      const modulus = r.tpm2b('unique.rsa', 512);
      area = { kind: 'rsa', ...common, symmetric, scheme, keyBits, exponent, modulus };
      break;
    }
    case TPM_ALG.ECC: {
      const symmetric = readSymmetric(r);
      const scheme = readEccScheme(r);
      const curveId = r.u16('curveID');
      const kdf = readKdf(r);
      const x = r.tpm2b('unique.ecc.x', 128);
      const y = r.tpm2b('unique.ecc.y', 128);
      area = { kind: 'ecc', ...common, symmetric, scheme, curveId, kdf, x, y };
      break;
    }
    case TPM_ALG.KEYEDHASH:
      area = { kind: 'keyedhash', ...common, scheme: readKeyedHashScheme(r), unique: r.tpm2b('unique.keyedHash', 64) };
      break;
    case TPM_ALG.SYMCIPHER:
      area = { kind: 'symcipher', ...common, symmetric: readSymmetric(r), unique: r.tpm2b('unique.sym', 64) };
      break;
    default:
      throw new TpmError('malformed', `public area type ${algName(type)} is not RSA, ECC, KEYEDHASH or SYMCIPHER`);
  }
  return { ...area, type, bytes: r.slice(start) };
}

/** A TPMT_PUBLIC that fills `bytes` exactly. */
export function parseTpmtPublic(bytes: Uint8Array): TpmtPublic {
  const r = new TpmReader(bytes, 'TPMT_PUBLIC');
  const area = readPublic(r, 0);
  r.end();
  return area;
}

/** A TPM2B_PUBLIC (as tpm2_createak -u and tpm2_readpublic -o write it). */
export function parseTpm2bPublic(bytes: Uint8Array): TpmtPublic {
  const r = new TpmReader(bytes, 'TPM2B_PUBLIC');
  const size = r.u16('the size of TPM2B_PUBLIC');
  if (size !== r.remaining) throw new TpmError('malformed', `TPM2B_PUBLIC says ${size} bytes but carries ${r.remaining}`);
  const area = readPublic(r, 2);
  r.end();
  return area;
}

/**
 * Either form. A TPMT_PUBLIC starts with its type (0x0001 RSA, 0x0023 ECC, ...), which can never
 * equal the remaining length of a real public area, so a leading size that matches means TPM2B.
 */
export function parsePublicArea(bytes: Uint8Array): TpmtPublic {
  if (bytes.length >= 2 && ((bytes[0] << 8) | bytes[1]) === bytes.length - 2) return parseTpm2bPublic(bytes);
  return parseTpmtPublic(bytes);
}

// ---- writing ----

function writeSymmetric(s: SymmetricDefinition): Buffer {
  if (s.algorithm === TPM_ALG.NULL) return u16(s.algorithm);
  return Buffer.concat([u16(s.algorithm), u16(s.keyBits ?? 0), u16(s.mode ?? TPM_ALG.CFB)]);
}

function writeScheme(s: SchemeDefinition): Buffer {
  if (s.scheme === TPM_ALG.NULL || s.scheme === TPM_ALG.RSAES) return u16(s.scheme);
  const parts = [u16(s.scheme), u16(s.hashAlg ?? TPM_ALG.NULL)];
  if (s.scheme === TPM_ALG.ECDAA) parts.push(u16(s.count ?? 0));
  if (s.scheme === TPM_ALG.XOR) parts.push(u16(s.kdf ?? TPM_ALG.NULL));
  return Buffer.concat(parts);
}

/** The TPMT_PUBLIC encoding of a template (the inverse of parseTpmtPublic). */
export function marshalTpmtPublic(area: PublicAreaTemplate): Buffer {
  const head = [u16(TYPE_OF[area.kind]), u16(area.nameAlg), u32(area.objectAttributes), tpm2b(area.authPolicy)];
  switch (area.kind) {
    case 'rsa':
      return Buffer.concat([...head, writeSymmetric(area.symmetric), writeScheme(area.scheme), u16(area.keyBits), u32(area.exponent), tpm2b(area.modulus)]);
    case 'ecc':
      return Buffer.concat([...head, writeSymmetric(area.symmetric), writeScheme(area.scheme), u16(area.curveId), writeScheme(area.kdf), tpm2b(area.x), tpm2b(area.y)]);
    case 'keyedhash':
      return Buffer.concat([...head, writeScheme(area.scheme), tpm2b(area.unique)]);
    case 'symcipher':
      return Buffer.concat([...head, writeSymmetric(area.symmetric), tpm2b(area.unique)]);
  }
}

export function marshalTpm2bPublic(area: PublicAreaTemplate): Buffer {
  return tpm2b(marshalTpmtPublic(area));
}

// ---- name and key ----

/** The object's Name: nameAlg || H_nameAlg(TPMT_PUBLIC). */
export function objectName(area: TpmtPublic | Uint8Array): Buffer {
  const parsed = area instanceof Uint8Array ? parsePublicArea(area) : area;
  if (parsed.nameAlg === TPM_ALG.NULL) throw new TpmError('unsupported', 'an object with nameAlg NULL has no digest Name');
  return Buffer.concat([u16(parsed.nameAlg), digest(parsed.nameAlg, parsed.bytes)]);
}

export interface CurveInfo {
  jwk: 'P-256' | 'P-384' | 'P-521';
  node: 'prime256v1' | 'secp384r1' | 'secp521r1';
  /** Coordinate size in bytes. */
  size: number;
}

const CURVES: Record<number, CurveInfo> = {
  [TPM_ECC_CURVE.NIST_P256]: { jwk: 'P-256', node: 'prime256v1', size: 32 },
  [TPM_ECC_CURVE.NIST_P384]: { jwk: 'P-384', node: 'secp384r1', size: 48 },
  [TPM_ECC_CURVE.NIST_P521]: { jwk: 'P-521', node: 'secp521r1', size: 66 },
};

export function curveInfo(curveId: number): CurveInfo {
  const c = CURVES[curveId];
  if (!c) throw new TpmError('unsupported', `ECC curve 0x${curveId.toString(16).padStart(4, '0')} is not supported (NIST P-256, P-384 and P-521 are)`);
  return c;
}

export function curveIdOf(jwkCurve: string): number {
  for (const [id, c] of Object.entries(CURVES)) if (c.jwk === jwkCurve || c.node === jwkCurve) return Number(id);
  throw new TpmError('unsupported', `curve ${jwkCurve} is not supported`);
}

/** Left-pads (or strips leading zeros from) an unsigned big-endian integer to `size` bytes. */
export function fixedSize(bytes: Uint8Array, size: number, what: string): Buffer {
  let start = 0;
  while (bytes.length - start > size && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  if (trimmed.length > size) throw new TpmError('malformed', `${what} is longer than ${size} bytes`);
  return Buffer.concat([Buffer.alloc(size - trimmed.length), trimmed]);
}

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/** The public key of an RSA or ECC object, as Node sees it. */
export function publicKeyOf(area: TpmtPublic | PublicAreaTemplate): KeyObject {
  try {
    if (area.kind === 'rsa') {
      if (area.modulus.length === 0) throw new TpmError('malformed', 'RSA public area has an empty modulus');
      const e = area.exponent === 0 ? 65537 : area.exponent;
      const hex = e.toString(16);
      const eBytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
      return createPublicKey({ key: { kty: 'RSA', n: b64u(area.modulus), e: b64u(eBytes) }, format: 'jwk' });
    }
    if (area.kind === 'ecc') {
      const c = curveInfo(area.curveId);
      return createPublicKey({
        key: { kty: 'EC', crv: c.jwk, x: b64u(fixedSize(area.x, c.size, 'x')), y: b64u(fixedSize(area.y, c.size, 'y')) },
        format: 'jwk',
      });
    }
  } catch (err) {
    if (err instanceof TpmError) throw err;
    throw new TpmError('invalid', `the public area does not hold a valid ${area.kind.toUpperCase()} public key: ${(err as Error).message}`, { cause: err });
  }
  throw new TpmError('unsupported', `a ${area.kind} object has no asymmetric public key`);
}

/** DER SubjectPublicKeyInfo of an RSA or ECC object (the form EK URIs and CSRs are compared in). */
export function spkiOf(area: TpmtPublic | PublicAreaTemplate): Buffer {
  return publicKeyOf(area).export({ type: 'spki', format: 'der' });
}

/** Builds the RSA/ECC part of a template from a Node public key (for tests and tooling). */
export function uniqueFromKey(key: KeyObject): { modulus: Buffer; exponent: number; keyBits: number } | { curveId: number; x: Buffer; y: Buffer } {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty === 'RSA') {
    const modulus = Buffer.from(jwk.n!, 'base64url');
    const eBytes = Buffer.from(jwk.e!, 'base64url');
    const e = eBytes.readUIntBE(0, Math.min(eBytes.length, 6));
    return { modulus, exponent: e === 65537 ? 0 : e, keyBits: modulus.length * 8 };
  }
  if (jwk.kty === 'EC') {
    const curveId = curveIdOf(jwk.crv!);
    const size = curveInfo(curveId).size;
    return { curveId, x: fixedSize(Buffer.from(jwk.x!, 'base64url'), size, 'x'), y: fixedSize(Buffer.from(jwk.y!, 'base64url'), size, 'y') };
  }
  throw new TpmError('unsupported', `key type ${jwk.kty} cannot be a TPM public area`);
}

/** Digest size in bytes of the object's nameAlg. */
export function nameAlgSize(area: TpmtPublic | PublicAreaTemplate): number {
  return hashInfo(area.nameAlg).size;
}
