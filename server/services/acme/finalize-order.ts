// RFC 8555 §7.4 finalize: the CSR's key must be the key the attestation vouched for (badCSR
// otherwise) and the device must be allowed certificates. A device that still awaits approval
// leaves the order `ready` with an `unauthorized` problem: once an admin approves it, the same
// order can be finalized again until it expires, without a new attestation.
import { and, eq } from 'drizzle-orm';
import { createPublicKey } from 'node:crypto';
import type { Db } from '@/server/db';
import { acmeOrders, devices, type AcmeAccount } from '@/server/db/schema';
import { decodeBase64Url } from '@/lib/acme/base64url';
import { AcmeProblem } from '@/lib/acme/problem';
import { CsrError, parseCsr, type ParsedCsr } from '@/lib/pki/parse-csr';
import { recordAudit } from '../audit/record-audit';
import { mayReceiveCertificates } from '../devices/approval-policy';
import { deviceLabel } from '../devices/record-device-source';
import { loadAuthority } from '../pki/load-authority';
import { acmeActor, type AcmeContext } from './acme-context';
import { orderObject } from './acme-objects';
import { issueAcmeCertificate } from './issue-acme-certificate';
import { authorizationIdsOf, loadOwnedOrder } from './load-owned';

const MAX_CSR_BYTES = 16 * 1024;

function canonicalSpki(der: Uint8Array): Buffer | null {
  try {
    return createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }).export({ format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

function readCsr(payload: unknown): ParsedCsr {
  const text = payload === null ? undefined : (payload as { csr?: unknown }).csr;
  if (typeof text !== 'string' || !text) throw new AcmeProblem('malformed', 'finalize needs {"csr": "<base64url DER PKCS#10>"}');
  if (text.length > (MAX_CSR_BYTES * 4) / 3 + 4) throw new AcmeProblem('badCSR', `The CSR is larger than ${MAX_CSR_BYTES} bytes`);
  const der = decodeBase64Url(text);
  if (!der) throw new AcmeProblem('malformed', 'The "csr" must be base64url DER without padding');
  try {
    return parseCsr(der);
  } catch (err) {
    if (err instanceof CsrError) throw new AcmeProblem('badCSR', `The CSR was refused: ${err.message}`);
    throw err;
  }
}

export async function finalizeOrder(db: Db, ctx: AcmeContext, account: AcmeAccount, orderId: string, payload: unknown, opts: { crlUrl: string }) {
  let order = await loadOwnedOrder(db, account, orderId);
  const respond = async () => orderObject(order, await authorizationIdsOf(db, order.id), ctx.urls);
  if (order.status === 'valid' || order.status === 'processing') return respond();
  if (order.status === 'pending') throw new AcmeProblem('orderNotReady', 'The order is not ready: its device-attest-01 challenge has not been validated');
  if (order.status === 'invalid') throw new AcmeProblem('orderNotReady', 'The order is invalid; create a new order');

  const csr = readCsr(payload);
  const attested = order.attestedPublicKey ? canonicalSpki(Buffer.from(order.attestedPublicKey, 'base64')) : null;
  const requested = canonicalSpki(csr.subjectPublicKeyInfoDer);
  if (!attested || !requested || !attested.equals(requested)) {
    throw new AcmeProblem('badCSR', "The CSR's public key is not the key the attestation vouched for");
  }

  const actor = acmeActor(account, ctx.ip);
  const [device] = order.deviceId ? await db.select().from(devices).where(eq(devices.id, order.deviceId)) : [];
  if (!device) throw new AcmeProblem('unauthorized', 'The attested device is no longer in the inventory');
  if (!mayReceiveCertificates(device)) {
    const reason =
      device.approvalStatus === 'pending'
        ? 'The device awaits approval by an administrator; finalize this order again once it is approved'
        : device.approvalStatus === 'rejected'
          ? 'The device was rejected by an administrator'
          : `The device is ${device.lifecycleStatus}`;
    await recordAudit(db, actor, {
      action: 'acme.finalize.refused',
      targetType: 'device',
      targetId: device.id,
      targetLabel: deviceLabel(device),
      details: { orderId: order.id, reason },
    });
    throw new AcmeProblem('unauthorized', reason);
  }

  const authority = await loadAuthority(db);
  const identifier = order.identifiers[0]?.value ?? device.permanentIdentifier ?? '';
  order = await db.transaction(async (tx) => {
    const [locked] = await tx.select().from(acmeOrders).where(eq(acmeOrders.id, order.id)).for('update');
    if (locked.status !== 'ready') return locked; // finalized by a concurrent request
    const cert = await issueAcmeCertificate(tx, actor, {
      authority,
      csr,
      device,
      permanentIdentifier: identifier,
      orderId: order.id,
      crlUrl: opts.crlUrl,
      notBefore: order.notBefore,
      notAfter: order.notAfter,
    });
    const [valid] = await tx
      .update(acmeOrders)
      .set({ status: 'valid', certificateId: cert.id, updatedAt: new Date() })
      .where(and(eq(acmeOrders.id, order.id), eq(acmeOrders.status, 'ready')))
      .returning();
    return valid;
  });
  return respond();
}
