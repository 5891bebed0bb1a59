import { z } from 'zod';
import type { Db } from '@/server/db';
import { users } from '@/server/db/schema';
import { hashPassword } from '@/lib/password';
import { emailSchema, passwordSchema, personNameSchema, roleSchema } from '@/lib/validation';
import { recordAudit } from '../audit/record-audit';
import { conflict, isUniqueViolation } from '../errors';
import type { Actor } from '../actor';
import { assertMayGrant } from './permissions';

export const createUserInput = z.object({
  email: emailSchema,
  name: personNameSchema.optional(),
  role: roleSchema.default('user'),
  password: passwordSchema.optional(),
});
export type CreateUserInput = z.input<typeof createUserInput>;

export async function createUser(db: Db, actor: Actor, raw: CreateUserInput) {
  const input = createUserInput.parse(raw);
  assertMayGrant(actor, input.role);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  try {
    return await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ email: input.email, name: input.name || null, role: input.role, passwordHash })
        .returning({ id: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt });
      await recordAudit(tx, actor, {
        action: 'user.create',
        targetType: 'user',
        targetId: user.id,
        targetLabel: user.email,
        details: { role: user.role },
      });
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A user with the email ${input.email} already exists`, 'email');
    throw err;
  }
}
