// Who is acting: recorded in the audit log and used for permission rules inside services.
import type { ActorType } from '@/server/db/schema';
import type { UserRole } from '@/server/db/schema';

export interface Actor {
  type: ActorType;
  id?: string | null;
  label: string;
  /** The role a person acts with; integrations and the CLI act with full rights of their kind. */
  role?: UserRole;
  ip?: string | null;
}

export const systemActor: Actor = { type: 'system', label: 'system' };
export const cliActor = (): Actor => ({
  type: 'cli',
  label: `cli:${process.env.USER ?? process.env.LOGNAME ?? 'operator'}`,
  role: 'owner',
});
