// `tessera-agent enroll`: prove this machine's TPM to Tessera and obtain its device certificate.
//  1. pin the Agents root by fingerprint;
//  2. the EK (and its certificate), an AK, and the device key, all in the TPM;
//  3. AK certificate from the attestation CA: ak-challenge → TPM2_ActivateCredential → ak-activate;
//  4. ACME: account, newOrder for the EK URI, device-attest-01 answered with TPM2_Certify of the
//     device key by the AK over SHA-256(keyAuthorization), finalize with a CSR the TPM signs,
//     certificate download, checked against the pinned root.
// A device that awaits approval keeps its ready order in the state directory; the next run
// finalizes it without attesting again.
import { createHash } from 'node:crypto';
import { activateAk, requestAkChallenge } from './attestation-ca';
import { AcmeClient, AcmeRefusal, type AcmeAuthorization, type AcmeChallenge, type AcmeOrder } from './acme-client';
import { encodeTpmAttestation } from './att-object';
import type { AgentConfig } from './config';
import { requireEnrollSettings } from './config';
import { buildTpmCsr } from './csr';
import { fetchEkChain, readChainFile } from './ek-chain';
import { AgentError, describeProblem, problemName, type ProblemDetail } from './errors';
import { checkIssuedChain } from './issued-chain';
import { PinnedHttp, fingerprintOf, type RequestTiming } from './pinned-http';
import { STATE_FILES, StateDir, type AgentStatusFile, type CertificateSummary, type TpmState } from './state';
import { AgentTpm, hex, spkiOfKey, type Endorsement, type TpmAuth, type TpmKey } from './tpm';
import { Tpm2Tools } from './tpm2-tools';

export interface EnrollOptions {
  config: AgentConfig;
  /** Make a new device key even if one exists (the old one is removed after the new certificate arrives). */
  newKey?: boolean;
  auth?: TpmAuth;
  log?: (line: string) => void;
  onTiming?: (timing: RequestTiming) => void;
}

export interface EnrollResult {
  server: string;
  team: string | null;
  ekUri: string;
  deviceKey: { handle: string; type: string; spkiSha256: string };
  certificate: CertificateSummary;
  orderUrl: string;
  /** True when an order left waiting for approval was finalized. */
  resumedOrder: boolean;
  stateDir: string;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest();

/** The TPM-side objects, reused across runs while they are still in the TPM. */
async function deviceKey(tpm: AgentTpm, saved: TpmState, options: EnrollOptions): Promise<{ key: TpmKey; replaced: number | null }> {
  const existing = await tpm.existingKey(saved.keyHandle, saved.keyPublic);
  if (existing && !options.newKey && saved.keyType === options.config.keyType) return { key: existing, replaced: null };
  options.log?.(`creating the device key (${options.config.keyType}) in the TPM`);
  const key = await tpm.createDeviceKey(options.config.keyType, await tpm.freeHandle([saved.akHandle ?? 0]));
  return { key, replaced: existing ? existing.handle : null };
}

async function attestationKey(tpm: AgentTpm, saved: TpmState, ek: Endorsement, avoid: number, log: (l: string) => void): Promise<TpmKey> {
  // An AK made under another EK (the TPM was cleared) would fail credential activation.
  const existing = saved.ekUri === ek.ekUri ? await tpm.existingKey(saved.akHandle, saved.akPublic) : null;
  if (existing) return existing;
  log('creating the attestation key (AK) in the TPM');
  return tpm.createAttestationKey(ek, await tpm.freeHandle([avoid]));
}

function refusedAttestation(problem: ProblemDetail | undefined): AgentError {
  const p = problem ?? { detail: 'no reason given' };
  return new AgentError('refused', `Tessera refused the TPM attestation (${describeProblem(p)})`, { problem: p });
}

export async function enroll(options: EnrollOptions): Promise<EnrollResult> {
  const { config } = options;
  const log = options.log ?? (() => {});
  const { server, fingerprint } = requireEnrollSettings(config);
  const state = new StateDir(config.stateDir).ensure();
  const release = state.lock();
  let http: PinnedHttp | undefined;
  let ekUri: string | null = null;
  const previous = state.readJson<AgentStatusFile>(STATE_FILES.status);
  const writeStatus = (patch: Partial<AgentStatusFile> & Pick<AgentStatusFile, 'lastAttempt'>) =>
    state.writeJson(STATE_FILES.status, {
      version: 1,
      server,
      team: config.team,
      ekUri,
      ...(previous?.deviceKey ? { deviceKey: previous.deviceKey } : {}),
      ...(previous?.certificate ? { certificate: previous.certificate } : {}),
      ...(previous?.pendingOrder ? { pendingOrder: previous.pendingOrder } : {}),
      ...patch,
    } satisfies AgentStatusFile);

  try {
    // 1. Trust: the root whose fingerprint the administrator gave.
    http = await PinnedHttp.bootstrap(server, fingerprint, { tlsTrust: config.tlsTrust, cachedRootPem: state.readText(STATE_FILES.root), onTiming: options.onTiming });
    state.writeText(STATE_FILES.root, http.rootPem);
    log(`pinned the Tessera Agents root ${fingerprintOf(http.root)}`);

    // 2. The TPM: EK, device key.
    const tpm = new AgentTpm(new Tpm2Tools({ tcti: config.tcti, cwd: state.tmpDir }), state.tmpDir, options.auth);
    const ek = await tpm.endorsementKey();
    ekUri = ek.ekUri;
    log(`TPM endorsement key: ${ek.ekUri}${ek.persistent ? ' (persistent)' : ''}`);
    let saved = state.readJson<TpmState>(STATE_FILES.tpm) ?? {};
    const { key, replaced } = await deviceKey(tpm, saved, options);
    saved = { ...saved, keyHandle: key.handle, keyPublic: key.publicArea.toString('base64'), keyType: options.config.keyType };
    state.writeJson(STATE_FILES.tpm, saved);
    const spki = spkiOfKey(key);
    const deviceKeySummary = { handle: hex(key.handle), type: options.config.keyType, spkiSha256: sha256(spki).toString('hex') };

    // 3. ACME account (its key stays in the state directory).
    const acme = new AcmeClient(http, http.url('/acme/agents/directory'), state.accountKey());
    await acme.account();

    // An order left ready while the device awaited approval: finalize it if it still can be.
    let orderUrl: string | null = null;
    let order: AcmeOrder | null = null;
    let resumedOrder = false;
    const pending = previous?.pendingOrder;
    if (pending && pending.url.startsWith(`${http.base}/`) && pending.ekUri === ek.ekUri && pending.keyHandle === hex(key.handle) && (!pending.expires || Date.parse(pending.expires) > Date.now() + 60_000)) {
      try {
        const current = await acme.order(pending.url);
        if (current.status === 'ready' || current.status === 'processing' || current.status === 'valid') {
          orderUrl = pending.url;
          order = current;
          resumedOrder = true;
          log(`resuming order ${pending.url} (${current.status})`);
        }
      } catch (err) {
        if (!(err instanceof AcmeRefusal)) throw err; // gone or not ours any more: start over
      }
    }

    if (!order || !orderUrl) {
      // 4. AK certificate from the attestation CA.
      const ak = await attestationKey(tpm, saved, ek, key.handle, log);
      saved = { ...saved, ekUri: ek.ekUri, akHandle: ak.handle, akPublic: ak.publicArea.toString('base64') };
      state.writeJson(STATE_FILES.tpm, saved);
      const ekCertificate = await tpm.endorsementCertificate();
      const ekCertificateChain = config.ekChainFile ? readChainFile(config.ekChainFile) : ekCertificate ? await fetchEkChain(ekCertificate, log) : [];
      log(ekCertificate ? `EK certificate found in NV${ekCertificateChain.length ? ` (+${ekCertificateChain.length} issuer certificates)` : ''}` : 'no EK certificate in NV: Tessera accepts this TPM only if the device is registered (or the team allows it)');
      const challenge = await requestAkChallenge(http, { ekCertificate: ekCertificate ?? undefined, ekCertificateChain, ekPublic: ek.publicArea, akPublic: ak.publicArea });
      if (challenge.ekUri !== ek.ekUri) throw new AgentError('refused', `The attestation CA computed EK URI ${challenge.ekUri}, not this TPM's ${ek.ekUri}`);
      const secret = await tpm.activateCredential(ak, ek, Buffer.from(challenge.tpm2ToolsCredential, 'base64'));
      const activation = await activateAk(http, challenge.sessionId, secret, ek.ekUri);
      state.writeText(STATE_FILES.akChain, activation.chainPem ?? activation.certificatePem);
      log(`AK certificate ${activation.serialHex} issued (valid until ${activation.notAfter})`);

      // 5. ACME order for the EK URI, answered with a TPM2_Certify statement.
      const created = await acme.newOrder(ek.ekUri);
      orderUrl = created.url;
      order = created.order;
      const authzUrl = order.authorizations[0];
      if (!authzUrl) throw new AgentError('refused', 'The ACME order has no authorization');
      const authz = await acme.authorization(authzUrl);
      const ch = authz.challenges.find((c) => c.type === 'device-attest-01');
      if (!ch) throw new AgentError('refused', `The authorization offers no device-attest-01 challenge (only ${authz.challenges.map((c) => c.type).join(', ') || 'none'})`);
      if (authz.status === 'pending' && ch.status === 'pending') {
        const { certInfo, sig } = await tpm.certify(key, ak, sha256(acme.keyAuthorization(ch.token)));
        const attObj = encodeTpmAttestation({ ak: ak.area, x5c: activation.x5c, sig, certInfo, pubArea: key.area.bytes });
        const answered = await acme.postOk<AcmeChallenge>(ch.url, { attObj }, 'device-attest-01 challenge');
        if (answered.body.status === 'invalid') throw refusedAttestation(answered.body.error);
      }
      const settled = await acme.poll<AcmeAuthorization>(authzUrl, 'authorization', (a) => a.status !== 'pending');
      if (settled.status !== 'valid') throw refusedAttestation(settled.challenges.find((c) => c.type === 'device-attest-01')?.error ?? { detail: `the authorization is ${settled.status}` });
      log('device-attest-01 accepted: the device is high-assurance in Tessera');
      order = await acme.poll<AcmeOrder>(orderUrl, 'order', (o) => o.status !== 'pending');
    }

    // 6. Finalize with a CSR signed in the TPM.
    if (!order || !orderUrl) throw new AgentError('unexpected', 'no order');
    if (order.status === 'invalid') throw refusedAttestation(order.error ?? { detail: 'the order is invalid' });
    if (order.status === 'ready') {
      const csr = await buildTpmCsr({ spki, commonName: config.commonName, signDigest: (digest) => tpm.sign(key, digest) });
      const fin = await acme.post<AcmeOrder>(order.finalize, { csr: csr.toString('base64url') });
      const problem = (fin.status >= 400 && typeof fin.body === 'object' && fin.body ? fin.body : {}) as ProblemDetail;
      if (fin.status === 403 && problemName(problem.type) === 'unauthorized' && /awaits approval/i.test(problem.detail ?? '')) {
        const pendingOrder = { url: orderUrl, finalize: order.finalize, expires: order.expires, ekUri: ek.ekUri, keyHandle: hex(key.handle) };
        writeStatus({ ekUri, deviceKey: deviceKeySummary, pendingOrder, lastAttempt: { at: new Date().toISOString(), outcome: 'awaiting-approval' } });
        throw new AgentError('awaitingApproval', `The device awaits approval by a Tessera administrator (${problem.detail})`, {
          problem,
          hint: `Once it is approved, run tessera-agent enroll again: it finalizes the same order${order.expires ? ` (until ${order.expires})` : ''} without a new attestation`,
        });
      }
      if (fin.status < 200 || fin.status >= 300) throw new AcmeRefusal('finalize', fin.status, problem);
      order = fin.body;
    }
    if (order.status === 'processing') order = await acme.poll<AcmeOrder>(orderUrl, 'order', (o) => o.status !== 'processing');
    if (order.status !== 'valid' || !order.certificate) throw new AgentError('refused', `The order ended ${order.status}${order.error ? ` (${describeProblem(order.error)})` : ''}`);

    // 7. The certificate, checked against the pinned root and the TPM key.
    const pem = await acme.certificateChain(order.certificate);
    const issued = checkIssuedChain(pem, spki, http.root);
    state.writeText(STATE_FILES.certificate, issued.leafPem);
    state.writeText(STATE_FILES.chain, pem);
    if (replaced !== null && replaced !== key.handle) {
      await tpm.evict(replaced).catch((err) => log(`could not remove the previous device key at ${hex(replaced)}: ${(err as Error).message}`));
    }
    const certificate: CertificateSummary = {
      // Node prints the serial's DER content octets; Tessera lists it without leading zero bytes.
      serialHex: issued.leaf.serialNumber.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, ''),
      subject: issued.leaf.subject.replace(/\n/g, ', '),
      issuer: issued.leaf.issuer.replace(/\n/g, ', '),
      notBefore: new Date(issued.leaf.validFrom).toISOString(),
      notAfter: new Date(issued.leaf.validTo).toISOString(),
      sha256: fingerprintOf(issued.leaf),
      path: state.path(STATE_FILES.certificate),
      chainPath: state.path(STATE_FILES.chain),
      issuedAt: new Date().toISOString(),
    };
    writeStatus({ ekUri, deviceKey: deviceKeySummary, certificate, pendingOrder: undefined, lastAttempt: { at: new Date().toISOString(), outcome: 'enrolled' } });
    return { server, team: config.team, ekUri: ek.ekUri, deviceKey: deviceKeySummary, certificate, orderUrl, resumedOrder, stateDir: state.dir };
  } catch (err) {
    if (!(err instanceof AgentError && err.kind === 'awaitingApproval')) {
      const e = err instanceof AgentError ? err : new AgentError('unexpected', (err as Error).message ?? String(err));
      try {
        // A refusal ends a waiting order's story (rejected device, expired or invalid order); a
        // network or TPM failure does not, and the next run resumes it.
        writeStatus({
          ...(e.kind === 'refused' ? { pendingOrder: undefined } : {}),
          lastAttempt: { at: new Date().toISOString(), outcome: 'failed', error: { kind: e.kind, message: e.message, ...(e.details.hint ? { hint: e.details.hint } : {}) } },
        });
      } catch {
        // the status is a convenience; the error itself is what the caller must see
      }
    }
    throw err;
  } finally {
    http?.close();
    release();
  }
}
