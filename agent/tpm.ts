// The device's TPM as the agent uses it, through tpm2-tools: the RSA endorsement key (persistent at
// the TCG handle 0x81010001 when the platform provisioned one, otherwise recreated from the default
// template with tpm2_createek) and its certificate from NV 0x01c00002; an RSA attestation key
// (tpm2_createak) and the device key (a signing key under an owner-hierarchy primary), both made
// persistent so TPM2_Certify can name them; credential activation; TPM2_Certify and TPM2_Sign.
import fs from 'node:fs';
import path from 'node:path';
import { isUniversal, readDer, readSequence, Tag } from '@/lib/pki/der-reader';
import { integer, sequence } from '@/lib/pki/der-writer';
import { decodeCertifyResponse, encodeCertifyCommand } from '@/lib/tpm/commands';
import { TPMA_OBJECT } from '@/lib/tpm/constants';
import { certificateFromNv, ekUriOf } from '@/lib/tpm/ek';
import { parsePublicArea, publicKeyOf, spkiOf, type TpmtPublic } from '@/lib/tpm/public-area';
import { AgentError } from './errors';
import type { Tpm2Tools } from './tpm2-tools';

/** TCG EK Credential Profile §2.2.1.5: the RSA 2048 EK's persistent handle and its certificate's NV index. */
export const RSA_EK_HANDLE = 0x81010001;
export const RSA_EK_CERT_NV = 0x01c00002;
/** Where the agent looks for free persistent handles (owner range, away from the SRK at 0x81000001). */
export const AGENT_HANDLE_BASE = 0x81000100;
const AGENT_HANDLE_LIMIT = 0x810001ff;

export type DeviceKeyType = 'ecc256' | 'rsa2048';
export const DEVICE_KEY_TYPES: readonly DeviceKeyType[] = ['ecc256', 'rsa2048'];
const DEVICE_KEY_ATTRIBUTES = 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign';

/** For tools that only name persistent handles, NV indices or sessions: no flush needed after them. */
const NO_OBJECTS = { loadsObjects: false } as const;

export const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

export interface Endorsement {
  /** What tpm2-tools takes as -C/-c: the persistent handle or a context file. */
  context: string;
  persistent: boolean;
  /** TPM2B_PUBLIC as tpm2-tools writes it. */
  publicArea: Buffer;
  area: TpmtPublic;
  ekUri: string;
  /** Low-range EKs (RSA 2048 L-1) are used through PolicySecret(endorsement); high-range ones with a password. */
  auth: 'policy' | 'password';
}

export interface TpmKey {
  handle: number;
  /** TPM2B_PUBLIC. */
  publicArea: Buffer;
  area: TpmtPublic;
}

export interface TpmAuth {
  /** Owner hierarchy password (TPM2 "owner auth"); empty on most machines. */
  owner?: string;
  /** Endorsement hierarchy password; empty on most machines. */
  endorsement?: string;
}

/** ECDSA r||s (tpm2_sign -f plain on some versions) or DER (others), always DER out. */
export function ecdsaSignatureToDer(sig: Buffer, coordinateSize = 32): Buffer {
  if (sig[0] === 0x30 && isDerEcdsa(sig)) return sig;
  if (sig.length === coordinateSize * 2) return sequence(integer(sig.subarray(0, coordinateSize)), integer(sig.subarray(coordinateSize)));
  throw new AgentError('tpm', `TPM: tpm2_sign returned an ECDSA signature of ${sig.length} bytes that is neither DER nor r||s`);
}

function isDerEcdsa(sig: Buffer): boolean {
  try {
    const parts = readSequence(readDer(sig), 2, 2);
    return parts.every((p) => isUniversal(p, Tag.integer));
  } catch {
    return false;
  }
}

export class AgentTpm {
  private seq = 0;

  constructor(
    private readonly tools: Tpm2Tools,
    /** A private scratch directory for the tools' files. */
    private readonly workDir: string,
    private readonly auth: TpmAuth = {},
  ) {
    fs.mkdirSync(workDir, { recursive: true, mode: 0o700 });
  }

  private file(name: string): string {
    return path.join(this.workDir, `${process.pid}-${++this.seq}-${name}`);
  }

  private take(file: string): Buffer {
    const bytes = fs.readFileSync(file);
    fs.rmSync(file, { force: true });
    return bytes;
  }

  private parse(bytes: Buffer, what: string): TpmtPublic {
    try {
      return parsePublicArea(bytes);
    } catch (err) {
      throw new AgentError('tpm', `TPM: the ${what}'s public area cannot be read: ${(err as Error).message}`);
    }
  }

  async persistentHandles(): Promise<Set<number>> {
    const r = await this.tools.must('list the persistent handles', 'tpm2_getcap', ['handles-persistent'], undefined, NO_OBJECTS);
    return new Set([...r.stdout.matchAll(/0x[0-9a-fA-F]{8}/g)].map((m) => Number.parseInt(m[0], 16)));
  }

  /** The TPM2B_PUBLIC of a persistent object, or null when the handle is empty. */
  async readPublic(handle: number): Promise<Buffer | null> {
    const out = this.file('read.pub');
    const r = await this.tools.run('tpm2_readpublic', ['-c', hex(handle), '-o', out], undefined, NO_OBJECTS);
    if (r.code !== 0) {
      fs.rmSync(out, { force: true });
      return null;
    }
    return this.take(out);
  }

  /** The RSA EK. A persistent EK at 0x81010001 is used when it is one; otherwise tpm2_createek. */
  async endorsementKey(): Promise<Endorsement> {
    const persisted = (await this.persistentHandles()).has(RSA_EK_HANDLE) ? await this.readPublic(RSA_EK_HANDLE) : null;
    if (persisted) {
      const area = this.parse(persisted, 'persistent EK');
      const isEk = area.kind === 'rsa' && (area.objectAttributes & (TPMA_OBJECT.restricted | TPMA_OBJECT.decrypt | TPMA_OBJECT.fixedTPM)) === (TPMA_OBJECT.restricted | TPMA_OBJECT.decrypt | TPMA_OBJECT.fixedTPM);
      if (isEk) return this.endorsement(hex(RSA_EK_HANDLE), true, persisted, area);
    }
    const ctx = path.join(this.workDir, 'ek.ctx');
    const pub = this.file('ek.pub');
    await this.tools.must('create the endorsement key', 'tpm2_createek', ['-G', 'rsa', '-c', ctx, '-u', pub, ...this.ehAuth(), ...(this.auth.owner ? ['-w', this.auth.owner] : [])]);
    const publicArea = this.take(pub);
    return this.endorsement(ctx, false, publicArea, this.parse(publicArea, 'EK'));
  }

  private endorsement(context: string, persistent: boolean, publicArea: Buffer, area: TpmtPublic): Endorsement {
    return {
      context,
      persistent,
      publicArea,
      area,
      ekUri: ekUriOf(publicKeyOf(area)),
      auth: (area.objectAttributes & TPMA_OBJECT.userWithAuth) !== 0 ? 'password' : 'policy',
    };
  }

  private ehAuth(): string[] {
    return this.auth.endorsement ? ['-P', this.auth.endorsement] : [];
  }

  /** The RSA EK certificate from NV (DER, NV padding removed), or null when the TPM has none. */
  async endorsementCertificate(): Promise<Buffer | null> {
    const out = this.file('ekcert.der');
    const r = await this.tools.run('tpm2_nvread', [hex(RSA_EK_CERT_NV), '-o', out], undefined, NO_OBJECTS);
    if (r.code !== 0 || !fs.existsSync(out)) {
      fs.rmSync(out, { force: true });
      return null;
    }
    try {
      return certificateFromNv(this.take(out));
    } catch {
      return null; // an index that does not hold a certificate is as good as none
    }
  }

  async freeHandle(avoid: number[] = []): Promise<number> {
    const used = await this.persistentHandles();
    for (let h = AGENT_HANDLE_BASE; h <= AGENT_HANDLE_LIMIT; h++) if (!used.has(h) && !avoid.includes(h)) return h;
    throw new AgentError('tpm', `TPM: no free persistent handle between ${hex(AGENT_HANDLE_BASE)} and ${hex(AGENT_HANDLE_LIMIT)}`, {
      hint: 'Remove unused persistent objects with tpm2_evictcontrol -C o -c <handle>',
    });
  }

  private async persist(what: string, ctx: string, handle: number): Promise<void> {
    await this.tools.must(`make the ${what} persistent at ${hex(handle)}`, 'tpm2_evictcontrol', ['-C', 'o', '-c', ctx, hex(handle), ...(this.auth.owner ? ['-P', this.auth.owner] : [])]);
    fs.rmSync(ctx, { force: true });
  }

  /** A persistent object the agent made, if it is still there with the same public area. */
  async existingKey(handle: number | undefined, publicArea: string | undefined): Promise<TpmKey | null> {
    if (handle === undefined || !publicArea) return null;
    const current = await this.readPublic(handle);
    if (!current || !current.equals(Buffer.from(publicArea, 'base64'))) return null;
    return { handle, publicArea: current, area: this.parse(current, 'key') };
  }

  /** An RSA-2048 AK (restricted, RSASSA-SHA256) under the EK, made persistent at `handle`. */
  async createAttestationKey(ek: Endorsement, handle: number): Promise<TpmKey> {
    const ctx = this.file('ak.ctx');
    const pub = this.file('ak.pub');
    const name = this.file('ak.name');
    const priv = this.file('ak.priv');
    await this.tools.must('create the attestation key', 'tpm2_createak', ['-C', ek.context, '-c', ctx, '-G', 'rsa', '-g', 'sha256', '-s', 'rsassa', '-u', pub, '-n', name, '-r', priv, ...this.ehAuth()]);
    fs.rmSync(name, { force: true });
    fs.rmSync(priv, { force: true });
    await this.persist('attestation key', ctx, handle);
    const publicArea = this.take(pub);
    return { handle, publicArea, area: this.parse(publicArea, 'AK') };
  }

  /**
   * TPM2_ActivateCredential: the TPM releases the secret only if it holds the EK's private key and
   * the AK with the Name the credential was made for. `credential` is the tpm2-tools file format.
   */
  async activateCredential(ak: TpmKey, ek: Endorsement, credential: Buffer): Promise<Buffer> {
    const input = this.file('cred.in');
    const output = this.file('cred.out');
    const session = this.file('session.ctx');
    fs.writeFileSync(input, credential, { mode: 0o600 });
    try {
      if (ek.auth === 'policy') {
        await this.tools.must('start a policy session for the EK', 'tpm2_startauthsession', ['--policy-session', '-S', session], undefined, NO_OBJECTS);
        await this.tools.must('satisfy the EK policy (PolicySecret on the endorsement hierarchy)', 'tpm2_policysecret', ['-S', session, '-c', 'e', ...(this.auth.endorsement ? [this.auth.endorsement] : [])], undefined, NO_OBJECTS);
      }
      const r = await this.tools.run('tpm2_activatecredential', ['-c', hex(ak.handle), '-C', ek.context, '-i', input, '-o', output, ...(ek.auth === 'policy' ? ['-P', `session:${session}`] : this.ehAuth())]);
      if (r.code !== 0) {
        const err = this.tools.failure('activate the credential from Tessera', 'tpm2_activatecredential', r);
        throw new AgentError('tpm', `${err.message}. The credential was not made for this TPM's EK and AK`, err.details);
      }
      return this.take(output);
    } finally {
      if (fs.existsSync(session)) await this.tools.run('tpm2_flushcontext', [session], undefined, NO_OBJECTS);
      for (const f of [input, output, session]) fs.rmSync(f, { force: true });
    }
  }

  /**
   * The device key: a signing key (ECDSA P-256 or RSASSA 2048, SHA-256) generated in the TPM under
   * an owner-hierarchy ECC primary, fixedTPM and fixedParent so it can never leave it, persistent.
   */
  async createDeviceKey(type: DeviceKeyType, handle: number): Promise<TpmKey> {
    const primary = this.file('primary.ctx');
    const pub = this.file('key.pub');
    const priv = this.file('key.priv');
    const ctx = this.file('key.ctx');
    const ownerAuth = this.auth.owner ? ['-P', this.auth.owner] : [];
    try {
      await this.tools.must('create the storage primary key', 'tpm2_createprimary', ['-C', 'o', '-g', 'sha256', '-G', 'ecc', '-c', primary, ...ownerAuth]);
      const alg = type === 'ecc256' ? 'ecc256:ecdsa-sha256' : 'rsa2048:rsassa-sha256';
      await this.tools.must('create the device key', 'tpm2_create', ['-C', primary, '-G', alg, '-g', 'sha256', '-a', DEVICE_KEY_ATTRIBUTES, '-u', pub, '-r', priv]);
      await this.tools.must('load the device key', 'tpm2_load', ['-C', primary, '-u', pub, '-r', priv, '-c', ctx]);
      await this.persist('device key', ctx, handle);
      const publicArea = fs.readFileSync(pub);
      return { handle, publicArea, area: this.parse(publicArea, 'device key') };
    } finally {
      for (const f of [primary, pub, priv, ctx]) fs.rmSync(f, { force: true });
    }
  }

  async evict(handle: number): Promise<void> {
    await this.tools.must(`remove the persistent object at ${hex(handle)}`, 'tpm2_evictcontrol', ['-C', 'o', '-c', hex(handle), ...(this.auth.owner ? ['-P', this.auth.owner] : [])], undefined, NO_OBJECTS);
  }

  /**
   * TPM2_Certify of `key` by `ak` with the given qualifying data (the SHA-256 of the ACME key
   * authorization). Sent raw with tpm2_send: `tpm2_certify` has no qualifying-data option before
   * tpm2-tools 5.5, and raw works with every version.
   */
  async certify(key: TpmKey, ak: TpmKey, qualifyingData: Uint8Array): Promise<{ certInfo: Buffer; sig: Buffer }> {
    const out = this.file('certify.rsp');
    await this.tools.must('certify the device key with the AK (TPM2_Certify)', 'tpm2_send', ['-o', out], encodeCertifyCommand({ objectHandle: key.handle, signHandle: ak.handle, qualifyingData }), NO_OBJECTS);
    try {
      const response = decodeCertifyResponse(this.take(out));
      return { certInfo: response.certifyInfo, sig: response.signature };
    } catch (err) {
      throw new AgentError('tpm', `TPM: TPM2_Certify failed: ${(err as Error).message}`);
    }
  }

  /** TPM2_Sign of a SHA-256 digest with the device key: DER ECDSA-Sig-Value, or the PKCS#1 v1.5 signature. */
  async sign(key: TpmKey, digest: Buffer): Promise<Buffer> {
    const input = this.file('digest.bin');
    const out = this.file('sig.bin');
    fs.writeFileSync(input, digest);
    try {
      const scheme = key.area.kind === 'ecc' ? 'ecdsa' : 'rsassa';
      await this.tools.must('sign with the device key', 'tpm2_sign', ['-c', hex(key.handle), '-g', 'sha256', '-s', scheme, '-d', '-f', 'plain', '-o', out, input], undefined, NO_OBJECTS);
      const sig = this.take(out);
      return key.area.kind === 'ecc' ? ecdsaSignatureToDer(sig) : sig;
    } finally {
      fs.rmSync(input, { force: true });
      fs.rmSync(out, { force: true });
    }
  }
}

/** DER SubjectPublicKeyInfo of a TPM key. */
export function spkiOfKey(key: TpmKey): Buffer {
  return spkiOf(key.area);
}
