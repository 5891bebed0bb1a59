// RFC 8555 §7.3.2 and §7.3.6: POST to the account URL reads it (POST-as-GET), changes its
// contacts, or deactivates it for good.
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { acmeAccounts, type AcmeAccount } from '@/server/db/schema';
import { AcmeProblem } from '@/lib/acme/problem';
import { recordAudit } from '../audit/record-audit';
import { acmeActor, type AcmeContext } from './acme-context';
import { readContacts } from './new-account';

export async function updateAccount(db: Db, ctx: AcmeContext, account: AcmeAccount, targetId: string, payload: unknown): Promise<AcmeAccount> {
  if (targetId !== account.id) throw new AcmeProblem('unauthorized', 'An account can only be read or changed with its own key');
  if (payload === null) return account;
  const p = payload as Record<string, unknown>;
  const update: Partial<typeof acmeAccounts.$inferInsert> = {};
  if ('contact' in p) update.contact = readContacts(p.contact);
  if ('status' in p) {
    if (p.status !== 'deactivated') throw new AcmeProblem('malformed', 'The only status a client may set is "deactivated"');
    update.status = 'deactivated';
  }
  if (!Object.keys(update).length) return account;
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(acmeAccounts)
      .set({ ...update, updatedAt: new Date() })
      .where(eq(acmeAccounts.id, account.id))
      .returning();
    await recordAudit(tx, acmeActor(account, ctx.ip), {
      action: update.status ? 'acme.account.deactivate' : 'acme.account.update',
      targetType: 'acme_account',
      targetId: account.id,
      targetLabel: account.thumbprint,
      details: { fields: Object.keys(update) },
    });
    return updated;
  });
}
