import type { Db } from '@/server/db';
import { teams, type Team } from '@/server/db/schema';

export async function getTeam(db: Db): Promise<Team | null> {
  const [team] = await db.select().from(teams).limit(1);
  return team ?? null;
}
