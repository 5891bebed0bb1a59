// RFC 8555 §7.3: newAccount. One account per key (the JWK thumbprint is unique); asking again
// with the same key returns the existing account, and onlyReturnExisting never creates one.
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { acmeAccounts, type AcmeAccount } from '@/server/db/schema';
import type { PublicJwk } from '@/lib/acme/jwk';
import { AcmeProblem } from '@/lib/acme/problem';
import { recordAudit } from '../audit/record-audit';
import { acmeActor, type AcmeContext } from './acme-context';

const MAX_CONTACTS = 4;

/** RFC 8555 §7.3: contacts are mailto: URIs; Tessera stores them and never writes to them. */
export function readContacts(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new AcmeProblem('malformed', '"contact" must be an array of URIs');
  if (value.length > MAX_CONTACTS) throw new AcmeProblem('invalidContact', `At most ${MAX_CONTACTS} contacts`);
  return value.map((c) => {
    if (typeof c !== 'string') throw new AcmeProblem('malformed', '"contact" must be an array of URIs');
    if (!c.toLowerCase().startsWith('mailto:')) throw new AcmeProblem('unsupportedContact', `Only mailto: contacts are supported (got ${c.slice(0, 60)})`);
    const address = c.slice('mailto:'.length);
    if (address.length > 254 || !/^[^\s@,?<>]+@[^\s@,?<>]+\.[^\s@,?<>]+$/.test(address)) {
      throw new AcmeProblem('invalidContact', `${c.slice(0, 80)} is not a single email address`);
    }
    return `mailto:${address}`;
  });
}

export interface NewAccountResult {
  account: AcmeAccount;
  created: boolean;
}

export async function newAccount(
  db: Db,
  ctx: AcmeContext,
  input: { jwk: PublicJwk; thumbprint: string; payload: unknown },
): Promise<NewAccountResult> {
  if (input.payload === null) throw new AcmeProblem('malformed', 'newAccount needs a JSON payload');
  const payload = input.payload as Record<string, unknown>;
  const [existing] = await db.select().from(acmeAccounts).where(eq(acmeAccounts.thumbprint, input.thumbprint));
  if (existing) {
    if (existing.status !== 'valid') throw new AcmeProblem('unauthorized', `The account for this key is ${existing.status}`, 401);
    return { account: existing, created: false };
  }
  if (payload.onlyReturnExisting === true) throw new AcmeProblem('accountDoesNotExist', 'No account exists for this key');
  const contact = readContacts(payload.contact);

  return db.transaction(async (tx) => {
    const [account] = await tx
      .insert(acmeAccounts)
      .values({ jwk: input.jwk as Record<string, string>, thumbprint: input.thumbprint, contact })
      .onConflictDoNothing({ target: acmeAccounts.thumbprint })
      .returning();
    if (!account) {
      // The same key registered a moment ago on another request.
      const [winner] = await tx.select().from(acmeAccounts).where(eq(acmeAccounts.thumbprint, input.thumbprint));
      return { account: winner, created: false };
    }
    await recordAudit(tx, acmeActor(account, ctx.ip), {
      action: 'acme.account.create',
      targetType: 'acme_account',
      targetId: account.id,
      targetLabel: account.thumbprint,
      details: { keyType: input.jwk.kty, contacts: contact.length },
    });
    return { account, created: true };
  });
}
