// A software TPM for tests: Debian's swtpm on a private Unix socket and state directory, optionally
// manufactured by swtpm_setup with EK certificates from its own throwaway swtpm-localca CA, driven
// through tpm2-tools (TCTI "swtpm:path=..."). No resource manager sits in between, so transient
// objects are flushed after every tool run; keys a test needs across runs are made persistent.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeCertifyResponse, encodeCertifyCommand } from '@/lib/tpm/commands';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** True when swtpm, swtpm_setup and the tpm2-tools this helper drives are installed. */
export const haveSwtpm = ['swtpm', 'swtpm_setup', 'swtpm_localca', 'tpm2_createek', 'tpm2_createak', 'tpm2_activatecredential', 'tpm2_send'].every(has);

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Persistent handles swtpm_setup gives the EKs, and their certificates' NV indices (TCG EK profile §2.2.1.5). */
export const EK_HANDLES = { rsa: 0x81010001, ecc384: 0x81010016 } as const;
export const EK_CERT_NV = { rsa: 0x01c00002, ecc384: 0x01c00016 } as const;

export interface LocalCa {
  dir: string;
  rootPem: string;
  /** swtpm-localca's issuing certificate (the EK certificates' direct issuer). */
  issuerPem: string;
}

export interface StartOptions {
  /** Manufacture with swtpm_setup: persistent RSA 2048 and ECC P-384 EKs with certificates. */
  ekCertificates?: boolean;
  /** Issue the EK certificates from this existing swtpm-localca (two TPMs of one "vendor"). */
  localCa?: LocalCa;
}

const hex = (n: number) => `0x${n.toString(16)}`;

export class SoftwareTpm {
  private constructor(
    readonly dir: string,
    readonly socket: string,
    private readonly child: ChildProcess,
    readonly localCa: LocalCa | null,
  ) {}

  get tcti(): string {
    return `swtpm:path=${this.socket}`;
  }

  static async start(options: StartOptions = {}): Promise<SoftwareTpm> {
    if (!haveSwtpm) throw new Error('swtpm and tpm2-tools are not installed (apt-get install swtpm swtpm-tools tpm2-tools)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsr-tpm-'));
    const state = path.join(dir, 'state');
    fs.mkdirSync(state);
    let localCa: LocalCa | null = null;
    if (options.ekCertificates) {
      const caDir = options.localCa?.dir ?? path.join(dir, 'ca');
      fs.mkdirSync(caDir, { recursive: true });
      const caConf = path.join(dir, 'localca.conf');
      fs.writeFileSync(
        caConf,
        [`statedir = ${caDir}`, `signingkey = ${caDir}/signkey.pem`, `issuercert = ${caDir}/issuercert.pem`, `certserial = ${caDir}/certserial`, ''].join('\n'),
      );
      const setupConf = path.join(dir, 'swtpm_setup.conf');
      fs.writeFileSync(
        setupConf,
        ['create_certs_tool = /usr/bin/swtpm_localca', `create_certs_tool_config = ${caConf}`, 'create_certs_tool_options = /etc/swtpm-localca.options', 'active_pcr_banks = sha256', ''].join('\n'),
      );
      const r = await run('swtpm_setup', ['--tpm2', '--tpmstate', state, '--create-ek-cert', '--create-platform-cert', '--lock-nvram', '--config', setupConf], {});
      if (r.code !== 0) throw new Error(`swtpm_setup failed: ${r.stderr || r.stdout}`);
      localCa = {
        dir: caDir,
        rootPem: fs.readFileSync(path.join(caDir, 'swtpm-localca-rootca-cert.pem'), 'utf8'),
        issuerPem: fs.readFileSync(path.join(caDir, 'issuercert.pem'), 'utf8'),
      };
    }
    const socket = path.join(dir, 'tpm.sock');
    const child = spawn(
      'swtpm',
      ['socket', '--tpm2', '--tpmstate', `dir=${state}`, '--server', `type=unixio,path=${socket}`, '--ctrl', `type=unixio,path=${socket}.ctrl`, '--flags', 'not-need-init,startup-clear'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += String(d)));
    for (let i = 0; i < 100 && !(fs.existsSync(socket) && fs.existsSync(`${socket}.ctrl`)); i++) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!fs.existsSync(socket)) {
      child.kill();
      throw new Error(`swtpm did not start: ${stderr}`);
    }
    const tpm = new SoftwareTpm(dir, socket, child, localCa);
    const probe = await tpm.tpm2('tpm2_getcap', ['properties-fixed']);
    if (probe.code !== 0) {
      await tpm.stop();
      throw new Error(`swtpm does not answer: ${probe.stderr}`);
    }
    return tpm;
  }

  path(name: string): string {
    return path.join(this.dir, name);
  }

  /** Runs a tpm2-tools command against this TPM, then flushes transient objects (no resource manager). */
  async tpm2(tool: string, args: string[], options: { input?: Uint8Array } = {}): Promise<ToolResult> {
    const r = await run(tool, args, { TPM2TOOLS_TCTI: this.tcti }, this.dir, options.input);
    await run('tpm2_flushcontext', ['-t'], { TPM2TOOLS_TCTI: this.tcti }, this.dir);
    return r;
  }

  private async must(tool: string, args: string[]): Promise<ToolResult> {
    const r = await this.tpm2(tool, args);
    if (r.code !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  }

  /** The EK certificate swtpm_setup stored in NV (DER), or null. */
  async ekCertificate(kind: keyof typeof EK_CERT_NV = 'rsa'): Promise<Buffer | null> {
    const out = this.path(`ekcert-${kind}.der`);
    const r = await this.tpm2('tpm2_nvread', [hex(EK_CERT_NV[kind]), '-o', out]);
    return r.code === 0 ? fs.readFileSync(out) : null;
  }

  /**
   * An EK by the TCG default template (tpm2_createek), saved as a context file, or a persistent EK
   * from swtpm_setup. Returns the context argument and the TPM2B_PUBLIC.
   */
  async createEk(alg: 'rsa' | 'ecc' | 'ecc384' = 'rsa', file = `ek-${alg}`): Promise<{ ctx: string; publicArea: Buffer }> {
    const ctx = this.path(`${file}.ctx`);
    const pub = this.path(`${file}.pub`);
    await this.must('tpm2_createek', ['-c', ctx, '-G', alg, '-u', pub]);
    return { ctx, publicArea: fs.readFileSync(pub) };
  }

  async readPublic(handleOrCtx: string | number, file: string): Promise<Buffer> {
    const out = this.path(`${file}.pub`);
    await this.must('tpm2_readpublic', ['-c', typeof handleOrCtx === 'number' ? hex(handleOrCtx) : handleOrCtx, '-o', out]);
    return fs.readFileSync(out);
  }

  /** An AK under the EK (tpm2_createak), made persistent at `handle`. Returns the TPM2B_PUBLIC and Name. */
  async createAk(ek: string, handle: number, alg: 'rsa' | 'ecc' = 'rsa', file = `ak-${handle.toString(16)}`): Promise<{ ctx: string; handle: number; publicArea: Buffer; name: Buffer }> {
    const ctx = this.path(`${file}.ctx`);
    const pub = this.path(`${file}.pub`);
    const name = this.path(`${file}.name`);
    await this.must('tpm2_createak', ['-C', ek, '-c', ctx, '-G', alg, '-g', 'sha256', '-s', alg === 'rsa' ? 'rsassa' : 'ecdsa', '-u', pub, '-n', name]);
    await this.must('tpm2_evictcontrol', ['-C', 'o', '-c', ctx, hex(handle)]);
    return { ctx, handle, publicArea: fs.readFileSync(pub), name: fs.readFileSync(name) };
  }

  /**
   * A public key loaded with TPM2_LoadExternal and no private part, claiming AK attributes: what
   * someone would try in order to get an AK certificate for a key kept outside the TPM.
   */
  async loadExternalAk(publicKeyPem: string, file = 'external-ak'): Promise<{ ctx: string; publicArea: Buffer; name: Buffer }> {
    const pem = this.path(`${file}.pem`);
    fs.writeFileSync(pem, publicKeyPem);
    const ctx = this.path(`${file}.ctx`);
    await this.must('tpm2_loadexternal', ['-C', 'e', '-G', 'rsa:rsassa-sha256:null', '-u', pem, '-a', 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign', '-c', ctx, '-n', this.path(`${file}.name`)]);
    return { ctx, publicArea: await this.readPublic(ctx, file), name: fs.readFileSync(this.path(`${file}.name`)) };
  }

  /** An ordinary signing key under a storage primary, made persistent at `handle` (the device key). */
  async createSigningKey(handle: number, alg: 'ecc256' | 'rsa2048' = 'ecc256', attributes?: string): Promise<{ publicArea: Buffer }> {
    const primary = this.path('primary.ctx');
    const base = this.path(`key-${handle.toString(16)}`);
    if (!fs.existsSync(primary)) await this.must('tpm2_createprimary', ['-C', 'o', '-g', 'sha256', '-G', 'ecc', '-c', primary]);
    await this.must('tpm2_create', ['-C', primary, '-G', alg, '-u', `${base}.pub`, '-r', `${base}.priv`, ...(attributes ? ['-a', attributes] : [])]);
    await this.must('tpm2_load', ['-C', primary, '-u', `${base}.pub`, '-r', `${base}.priv`, '-c', `${base}.ctx`]);
    await this.must('tpm2_evictcontrol', ['-C', 'o', '-c', `${base}.ctx`, hex(handle)]);
    return { publicArea: fs.readFileSync(`${base}.pub`) };
  }

  /** TPM2_Certify of `keyHandle` by `akHandle` over qualifying data, sent raw with tpm2_send. */
  async certify(keyHandle: number, akHandle: number, qualifyingData: Uint8Array): Promise<{ certInfo: Buffer; sig: Buffer }> {
    const r = await run('tpm2_send', [], { TPM2TOOLS_TCTI: this.tcti }, this.dir, encodeCertifyCommand({ objectHandle: keyHandle, signHandle: akHandle, qualifyingData }), true);
    if (r.code !== 0) throw new Error(`tpm2_send failed: ${r.stderr}`);
    const response = decodeCertifyResponse(Buffer.from(r.stdout, 'latin1'));
    return { certInfo: response.certifyInfo, sig: response.signature };
  }

  /**
   * tpm2_activatecredential. A low-range EK (L-1, L-2) is used through its policy, PolicySecret on the
   * endorsement hierarchy; the high-range EKs (H-*, swtpm's P-384 EK) have userWithAuth and an empty
   * password. `credentialFile` is the tpm2-tools file (0xBADCC0DE...). Returns the secret or the error.
   */
  async activateCredential(ak: string, ek: string, credentialFile: Uint8Array, ekAuth: 'policy' | 'password' = 'policy'): Promise<{ code: number; secret?: Buffer; stderr: string }> {
    const name = `cred-${Date.now()}-${Math.random().toString(16).slice(2)}`;
    const input = this.path(`${name}.in`);
    const output = this.path(`${name}.out`);
    const session = this.path(`${name}.session`);
    fs.writeFileSync(input, credentialFile);
    const env = { TPM2TOOLS_TCTI: this.tcti };
    try {
      let r: ToolResult = { code: 0, stdout: '', stderr: '' };
      if (ekAuth === 'policy') {
        r = await run('tpm2_startauthsession', ['--policy-session', '-S', session], env, this.dir);
        if (r.code === 0) r = await run('tpm2_policysecret', ['-S', session, '-c', 'e'], env, this.dir);
      }
      const auth = ekAuth === 'policy' ? ['-P', `session:${session}`] : [];
      if (r.code === 0) r = await run('tpm2_activatecredential', ['-c', ak, '-C', ek, '-i', input, '-o', output, ...auth], env, this.dir);
      return { code: r.code, secret: r.code === 0 ? fs.readFileSync(output) : undefined, stderr: r.stderr };
    } finally {
      if (fs.existsSync(session)) await run('tpm2_flushcontext', [session], env, this.dir);
      await run('tpm2_flushcontext', ['-t'], env, this.dir);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[], env: Record<string, string>, cwd?: string, input?: Uint8Array, binary = false): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { cwd, env: { ...process.env, ...env }, timeout: 60_000, encoding: binary ? 'latin1' : 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (input) child.stdin?.end(Buffer.from(input));
    else child.stdin?.end();
  });
}
