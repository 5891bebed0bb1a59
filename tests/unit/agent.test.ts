// The reference agent's pieces that need no TPM: settings (agent.yaml + flags), root pinning over
// real HTTPS, CSR and attestation-object encoding, ECDSA signature forms, the CLI's exit codes.
// The TPM flow itself runs against swtpm in tests/integration/agent-swtpm.test.ts.
import { execFileSync } from 'node:child_process';
import { constants, createHash, generateKeyPairSync, privateEncrypt, sign, verify, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAttestationObject } from '@/lib/attestation/att-object';
import { parseCsr } from '@/lib/pki/parse-csr';
import { buildLinuxAgentYaml } from '@/lib/profiles/linux-agent';
import { TPM_ALG } from '@/lib/tpm/constants';
import { signingArea } from '@/lib/tpm/testdata/software-keys';
import { coseAlgorithmOf, encodeTpmAttestation } from '@/agent/att-object';
import { loadConfig, requireEnrollSettings } from '@/agent/config';
import { buildTpmCsr } from '@/agent/csr';
import { AgentError, describeProblem } from '@/agent/errors';
import { checkIssuedChain } from '@/agent/issued-chain';
import { main } from '@/agent/main';
import { normaliseFingerprint, PinnedHttp } from '@/agent/pinned-http';
import { ecdsaSignatureToDer } from '@/agent/tpm';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tsr-agent-unit-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** A CA and a server certificate for 127.0.0.1 it signed, made by openssl. */
function makeCa(name: string) {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}-root.key`, '-subj', `/CN=${name} Root`, '-days', '2',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', `${name}-root.pem`);
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}-srv.key`, '-subj', '/CN=127.0.0.1', '-out', `${name}-srv.csr`);
  fs.writeFileSync(path.join(work, 'san.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  openssl('x509', '-req', '-in', `${name}-srv.csr`, '-CA', `${name}-root.pem`, '-CAkey', `${name}-root.key`, '-CAcreateserial', '-days', '1', '-extfile', 'san.ext', '-out', `${name}-srv.pem`);
  const read = (f: string) => fs.readFileSync(path.join(work, f), 'utf8');
  return { rootPem: read(`${name}-root.pem`), rootKey: read(`${name}-root.key`), certPem: read(`${name}-srv.pem`), keyPem: read(`${name}-srv.key`) };
}

async function httpsServer(tls: { certPem: string; keyPem: string }, servedRootPem: string) {
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    if (req.url === '/pki/agents/root.pem') res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(servedRootPem);
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const fingerprintOfPem = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

describe('settings', () => {
  it('reads the agent.yaml Tessera generates; flags win; unknown keys are warnings', () => {
    const { rootPem } = makeCa('cfg');
    const fp = fingerprintOfPem(rootPem);
    const file = path.join(work, 'agent.yaml');
    const yaml = buildLinuxAgentYaml({
      teamSlug: 'acme', teamName: 'Acme', caName: 'TESSERA', rootCaPem: rootPem, rootFingerprintSha256: fp,
      tesseraUrl: 'https://tessera.example.com/', scepUrl: 'https://tessera.example.com/scep/1', challengeUrl: 'https://tessera.example.com/webhook/1/challenge', certificateSubject: 'host-uuid',
    });
    fs.writeFileSync(file, `${yaml}tcti: "device:/dev/tpmrm0"\nsurprise: 1\n`);
    const config = loadConfig({ config: file, stateDir: path.join(work, 'state') });
    expect(config).toMatchObject({ configFile: file, server: 'https://tessera.example.com', team: 'acme', fingerprint: fp, tcti: 'device:/dev/tpmrm0', keyType: 'ecc256', tlsTrust: 'pinned' });
    expect(config.warnings).toEqual([`${file}: unknown setting "surprise" ignored`]);
    expect(requireEnrollSettings(config)).toEqual({ server: 'https://tessera.example.com', fingerprint: fp });
    expect(loadConfig({ config: file, server: 'http://other.test', team: 'lab', keyType: 'rsa2048' })).toMatchObject({ server: 'http://other.test', team: 'lab', keyType: 'rsa2048' });
  });

  it('says which setting is wrong or missing', () => {
    const empty = path.join(work, 'empty.yaml');
    fs.writeFileSync(empty, '');
    expect(() => requireEnrollSettings(loadConfig({ config: empty }))).toThrow(/--server \(agent.yaml: ca-url\) and --fingerprint/);
    expect(() => loadConfig({ config: empty, keyType: 'dsa' })).toThrow(/--key-type must be one of ecc256, rsa2048/);
    expect(() => loadConfig({ config: empty, tlsTrust: 'none' })).toThrow(/--tls-trust/);
    expect(() => loadConfig({ config: path.join(work, 'missing.yaml') })).toThrow(/does not exist/);
    fs.writeFileSync(path.join(work, 'list.yaml'), '- a\n- b\n');
    expect(() => loadConfig({ config: path.join(work, 'list.yaml') })).toThrow(/must be a map/);
    expect(normaliseFingerprint('AB:'.repeat(31) + 'AB')).toBe('ab'.repeat(32));
    expect(normaliseFingerprint('abc')).toBeNull();
  });
});

describe('root pinning over HTTPS', () => {
  let genuine: ReturnType<typeof makeCa>;
  let rogue: ReturnType<typeof makeCa>;
  let good: Awaited<ReturnType<typeof httpsServer>>;
  let impostor: Awaited<ReturnType<typeof httpsServer>>;
  beforeAll(async () => {
    genuine = makeCa('genuine');
    rogue = makeCa('rogue');
    good = await httpsServer(genuine, genuine.rootPem);
    // Serves a copy of the genuine root, but its TLS certificate comes from another CA.
    impostor = await httpsServer(rogue, genuine.rootPem);
  });
  afterAll(async () => {
    await good?.close();
    await impostor?.close();
  });

  it('trusts the server whose TLS certificate chains to the pinned root, and only that root', async () => {
    const http = await PinnedHttp.bootstrap(good.url, fingerprintOfPem(genuine.rootPem));
    const res = await http.request('GET', http.url('/hello'));
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello');
    await expect(http.request('GET', 'https://elsewhere.test/x')).rejects.toThrow(/not .*refusing to follow/);
    http.close();

    const fooled = await PinnedHttp.bootstrap(impostor.url, fingerprintOfPem(genuine.rootPem));
    const err = await fooled.request('GET', fooled.url('/hello')).catch((e: AgentError) => e);
    fooled.close();
    expect(err).toBeInstanceOf(AgentError);
    expect(err).toMatchObject({ kind: 'network', exitCode: 4 });
    expect((err as AgentError).message).toMatch(/does not chain to the pinned Tessera Agents root/);
    expect((err as AgentError).details.hint).toMatch(/--tls-trust system/);
  });

  it('refuses a root whose fingerprint differs, and reuses a cached root without downloading', async () => {
    await expect(PinnedHttp.bootstrap(good.url, fingerprintOfPem(rogue.rootPem))).rejects.toMatchObject({ kind: 'network', message: expect.stringMatching(/not the pinned/) });
    const seen: string[] = [];
    const http = await PinnedHttp.bootstrap(good.url, fingerprintOfPem(genuine.rootPem), { cachedRootPem: genuine.rootPem, onTiming: (t) => seen.push(t.url) });
    expect(seen).toEqual([]);
    http.close();
  });

  it('checks the issued chain: the device key, each signature, the pinned root', () => {
    const leafKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fs.writeFileSync(path.join(work, 'leaf.key'), leafKey.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    openssl('req', '-new', '-key', 'leaf.key', '-subj', '/CN=device', '-out', 'leaf.csr');
    fs.writeFileSync(path.join(work, 'leaf.ext'), 'basicConstraints=CA:FALSE\n');
    openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'genuine-root.pem', '-CAkey', 'genuine-root.key', '-CAcreateserial', '-days', '1', '-extfile', 'leaf.ext', '-out', 'leaf.pem');
    const leafPem = fs.readFileSync(path.join(work, 'leaf.pem'), 'utf8');
    const spki = leafKey.publicKey.export({ format: 'der', type: 'spki' });
    const root = new X509Certificate(genuine.rootPem);
    expect(checkIssuedChain(leafPem, spki, root).leaf.subject).toBe('CN=device');
    expect(() => checkIssuedChain(leafPem, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }), root)).toThrow(/not for the TPM device key/);
    expect(() => checkIssuedChain(leafPem, spki, new X509Certificate(rogue.rootPem))).toThrow(/does not chain to the pinned/);
  });
});

describe('encodings', () => {
  it('turns r||s into DER and leaves DER alone', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 20; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = ecdsaSignatureToDer(raw);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
      expect(ecdsaSignatureToDer(der)).toEqual(der);
    }
    expect(() => ecdsaSignatureToDer(Buffer.alloc(10))).toThrow(AgentError);
  });

  it('builds a CSR from a digest signer (EC and RSA) that Tessera parses, and refuses a bad signature', async () => {
    for (const pair of [generateKeyPairSync('ec', { namedCurve: 'P-256' }), generateKeyPairSync('rsa', { modulusLength: 2048 })]) {
      const spki = pair.publicKey.export({ format: 'der', type: 'spki' });
      const ec = pair.privateKey.asymmetricKeyType === 'ec';
      // RSA as TPM2_Sign does it, from the digest alone (DigestInfo + PKCS#1 v1.5); Node has no
      // prehashed ECDSA, so the EC signer signs the data itself.
      const signDigest = async (digest: Buffer, tbs: Buffer) =>
        ec
          ? sign('sha256', tbs, { key: pair.privateKey, dsaEncoding: 'der' })
          : privateEncrypt({ key: pair.privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), digest]));
      const csr = parseCsr(await buildTpmCsr({ spki, commonName: 'host-1', signDigest }));
      expect(csr.commonName).toBe('host-1');
      expect(Buffer.from(csr.subjectPublicKeyInfoDer).equals(spki)).toBe(true);
    }
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expect(buildTpmCsr({ spki: ec.publicKey.export({ format: 'der', type: 'spki' }), commonName: 'x', signDigest: async () => Buffer.from('3006020101020101', 'hex') })).rejects.toThrow(/does not verify/);
  });

  it('encodes the tpm attestation object the server decodes', () => {
    const ak = signingArea(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
    expect(coseAlgorithmOf(ak)).toBe(-257);
    expect(ak.kind === 'rsa' && ak.scheme.scheme).toBe(TPM_ALG.RSASSA);
    const text = encodeTpmAttestation({ ak, x5c: [Buffer.from('cert-1').toString('base64')], sig: Buffer.from([1, 2]), certInfo: Buffer.from([3]), pubArea: Buffer.from([4, 5]) });
    const decoded = decodeAttestationObject(text);
    expect(decoded.fmt).toBe('tpm');
    expect(decoded.attStmt).toMatchObject({ ver: '2.0', alg: -257 });
    expect(Buffer.from(decoded.attStmt.pubArea as Uint8Array)).toEqual(Buffer.from([4, 5]));
    expect((decoded.attStmt.x5c as Uint8Array[]).map((c) => Buffer.from(c).toString())).toEqual(['cert-1']);
  });

  it('describes problem documents with their subproblems', () => {
    expect(
      describeProblem({
        type: 'urn:ietf:params:acme:error:badAttestationStatement',
        detail: 'The attestation proves urn:ek:sha256:x',
        subproblems: [{ type: 'urn:ietf:params:acme:error:rejectedIdentifier', detail: 'not this device', identifier: { type: 'permanent-identifier', value: 'urn:ek:sha256:y' } }],
      }),
    ).toBe('badAttestationStatement: The attestation proves urn:ek:sha256:x; rejectedIdentifier (urn:ek:sha256:y): not this device');
  });
});

describe('the command line', () => {
  const capture = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
  };

  it('answers --help, refuses unknown commands and options with exit code 2', async () => {
    let c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out.stdout).toMatch(/Usage: tessera-agent <command>/);
    c = capture();
    expect(await main([], c.io)).toBe(2);
    c = capture();
    expect(await main(['frobnicate', '--json'], c.io)).toBe(2);
    expect(JSON.parse(c.out.stdout)).toMatchObject({ ok: false, error: { kind: 'usage', exitCode: 2 } });
    c = capture();
    expect(await main(['enroll', '--no-such-flag'], c.io)).toBe(2);
    expect(c.out.stderr).toMatch(/Unknown option/);
  });

  it('status without state says not enrolled (exit 1)', async () => {
    fs.writeFileSync(path.join(work, 'empty.yaml'), '');
    const c = capture();
    expect(await main(['status', '--state-dir', path.join(work, 'nothing'), '--json', '--config', path.join(work, 'empty.yaml')], c.io)).toBe(1);
    expect(JSON.parse(c.out.stdout)).toMatchObject({ ok: false, state: 'not-enrolled' });
  });
});

describe('the agent stays a device-side program (docs/adr/003)', () => {
  it('imports lib/ and npm packages, never server/, app/ or the database', () => {
    const dir = path.resolve(import.meta.dirname, '../../agent');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const spec of imports) expect(spec, `${file} imports ${spec}`).toMatch(/^(\.\/|@\/lib\/|node:|cborg$|yaml$)/);
    }
  });
});
