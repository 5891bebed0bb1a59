// RFC 8555 §7.4 newOrder for device certificates: exactly one `permanent-identifier`
// (draft-acme-device-attest §3: an Apple serial number or UDID, or a TPM EK URI), one
// authorization with one device-attest-01 challenge. Other identifier types are not offered here.
import { randomBytes } from 'node:crypto';
import type { Db } from '@/server/db';
import { acmeAuthorizations, acmeChallenges, acmeOrders, type AcmeAccount, type AcmeAuthorization, type AcmeOrder } from '@/server/db/schema';
import { AcmeProblem } from '@/lib/acme/problem';
import { recordAudit } from '../audit/record-audit';
import { ensureAuthority } from '../pki/load-authority';
import { acmeActor, ORDER_LIFETIME_MS, type AcmeContext } from './acme-context';

export const PERMANENT_IDENTIFIER = 'permanent-identifier';
const IDENTIFIER_VALUE = /^[\x21-\x7e]{1,256}$/;

function readTime(value: unknown, name: string): Date | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new AcmeProblem('malformed', `"${name}" must be an RFC 3339 date-time`);
  }
  return new Date(value);
}

/** Reads the newOrder payload; returns the one identifier value and the requested validity. */
export function readOrderRequest(payload: unknown): { identifier: string; notBefore?: Date; notAfter?: Date } {
  if (payload === null) throw new AcmeProblem('malformed', 'newOrder needs a JSON payload');
  const p = payload as Record<string, unknown>;
  if (!Array.isArray(p.identifiers) || p.identifiers.length === 0) throw new AcmeProblem('malformed', '"identifiers" must be a non-empty array');
  const identifiers = p.identifiers.map((id) => {
    if (!id || typeof id !== 'object' || typeof (id as { type?: unknown }).type !== 'string' || typeof (id as { value?: unknown }).value !== 'string') {
      throw new AcmeProblem('malformed', 'Each identifier needs a string "type" and "value"');
    }
    return { type: (id as { type: string }).type, value: (id as { value: string }).value };
  });
  const unsupported = identifiers.filter((id) => id.type !== PERMANENT_IDENTIFIER);
  if (unsupported.length) {
    const problem = new AcmeProblem('unsupportedIdentifier', `This directory issues device certificates for "${PERMANENT_IDENTIFIER}" identifiers only`);
    for (const id of unsupported.slice(0, 10)) {
      problem.withSubproblem('unsupportedIdentifier', `Identifier type "${id.type.slice(0, 40)}" is not supported`, { type: id.type.slice(0, 40), value: id.value.slice(0, 256) });
    }
    throw problem;
  }
  if (identifiers.length > 1) throw new AcmeProblem('rejectedIdentifier', 'An order names one device: send exactly one permanent-identifier');
  const [{ value }] = identifiers;
  if (!IDENTIFIER_VALUE.test(value)) {
    throw new AcmeProblem('rejectedIdentifier', 'A permanent identifier is 1 to 256 printable ASCII characters without spaces').withSubproblem(
      'rejectedIdentifier',
      'Not a usable permanent identifier',
      { type: PERMANENT_IDENTIFIER, value: value.slice(0, 256) },
    );
  }
  const notBefore = readTime(p.notBefore, 'notBefore');
  const notAfter = readTime(p.notAfter, 'notAfter');
  if (notBefore && notAfter && notAfter <= notBefore) throw new AcmeProblem('malformed', '"notAfter" must be later than "notBefore"');
  if (notAfter && notAfter.getTime() <= Date.now()) throw new AcmeProblem('malformed', '"notAfter" is in the past');
  return { identifier: value, notBefore, notAfter };
}

export async function newOrder(
  db: Db,
  ctx: AcmeContext,
  account: AcmeAccount,
  payload: unknown,
): Promise<{ order: AcmeOrder; authorization: AcmeAuthorization }> {
  const request = readOrderRequest(payload);
  const authority = await ensureAuthority(db);
  const expires = new Date(Date.now() + ORDER_LIFETIME_MS);
  return db.transaction(async (tx) => {
    const [order] = await tx
      .insert(acmeOrders)
      .values({
        accountId: account.id,
        authorityId: authority.id,
        identifiers: [{ type: PERMANENT_IDENTIFIER, value: request.identifier }],
        expires,
        notBefore: request.notBefore ?? null,
        notAfter: request.notAfter ?? null,
      })
      .returning();
    const [authorization] = await tx
      .insert(acmeAuthorizations)
      .values({ orderId: order.id, accountId: account.id, identifierType: PERMANENT_IDENTIFIER, identifierValue: request.identifier, expires })
      .returning();
    await tx.insert(acmeChallenges).values({
      authorizationId: authorization.id,
      type: 'device-attest-01',
      token: randomBytes(32).toString('base64url'),
    });
    await recordAudit(tx, acmeActor(account, ctx.ip), {
      action: 'acme.order.create',
      targetType: 'acme_order',
      targetId: order.id,
      targetLabel: request.identifier,
      details: { identifier: request.identifier },
    });
    return { order, authorization };
  });
}
