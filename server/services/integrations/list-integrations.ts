import { asc } from 'drizzle-orm';
import type { Db } from '@/server/db';
import { integrations } from '@/server/db/schema';

/** Connections with the endpoints their MDM needs; never their secrets. */
export async function listIntegrations(db: Db, baseUrl: string) {
  const rows = await db.select().from(integrations).orderBy(asc(integrations.createdAt));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    url: (r.config as { url?: string }).url ?? null,
    caName: r.caName,
    certValidityDays: r.certValidityDays,
    challengeTtlMinutes: r.challengeTtlMinutes,
    challengeUsername: r.challengeUsername,
    scepUrl: `${baseUrl}/scep/${r.id}`,
    challengeUrl: `${baseUrl}/webhook/${r.id}/challenge`,
    createdAt: r.createdAt,
  }));
}
