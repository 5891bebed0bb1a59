// Foundation commands: setup, migrate, status, user management.
import { eq, sql } from 'drizzle-orm';
import { env } from '@/lib/env';
import { emailSchema, roleSchema } from '@/lib/validation';
import { getDbHandle } from '@/server/db';
import { migrationStatus } from '@/server/db/client';
import { users } from '@/server/db/schema';
import { cliActor } from '@/server/services/actor';
import { getTeam } from '@/server/services/team/get-team';
import { setupTeam, setupTeamInput } from '@/server/services/team/setup-team';
import { createUser } from '@/server/services/users/create-user';
import { listUsers } from '@/server/services/users/list-users';
import { setUserRole } from '@/server/services/users/set-user-role';
import { CliError, required, type Command } from '../framework';

const db = async () => (await getDbHandle()).db;

async function userIdByEmail(email: string): Promise<string> {
  const [u] = await (await db())
    .select({ id: users.id })
    .from(users)
    .where(eq(sql`lower(${users.email})`, emailSchema.parse(email)));
  if (!u) throw new CliError(`No user with the email ${email}`);
  return u.id;
}

export const coreCommands: Command[] = [
  {
    name: 'setup',
    summary: 'Create the team and its first Owner (once; refuses when already set up)',
    usage: 'tessera setup --team NAME --slug SLUG --owner-email EMAIL --owner-password-stdin [--owner-name NAME] [--json]',
    flags: {
      team: { type: 'string' },
      slug: { type: 'string' },
      'owner-email': { type: 'string' },
      'owner-name': { type: 'string' },
      'owner-password-stdin': { type: 'boolean' },
    },
    async run(a, io) {
      if (!a['owner-password-stdin']) throw new CliError('--owner-password-stdin is required (the password is read from standard input)');
      const input = setupTeamInput.parse({
        teamName: required(a, 'team'),
        slug: required(a, 'slug'),
        ownerEmail: required(a, 'owner-email'),
        ownerName: a['owner-name'],
        ownerPassword: await io.readStdin(),
      });
      const { team, owner } = await setupTeam(await db(), input, { type: 'cli' });
      return { team: { id: team.id, name: team.name, slug: team.slug }, owner };
    },
    print: (r, io) => {
      const { team, owner } = r as { team: { name: string; slug: string }; owner: { email: string } };
      io.out(`Team "${team.name}" (${team.slug}) created; Owner ${owner.email} can now sign in.`);
    },
  },
  {
    name: 'migrate',
    summary: 'Apply pending database migrations',
    usage: 'tessera migrate [--json]',
    flags: {},
    async run() {
      const handle = await getDbHandle(); // opening applies migrations
      return { database: handle.kind, ...(await migrationStatus(handle.db)) };
    },
    print: (r, io) => {
      const m = r as { database: string; applied: number; expected: number };
      io.out(`Database (${m.database}) is at migration ${m.applied} of ${m.expected}.`);
    },
  },
  {
    name: 'status',
    summary: 'Show the database, migrations and whether the team is set up',
    usage: 'tessera status [--json]',
    flags: {},
    async run() {
      const handle = await getDbHandle();
      const team = await getTeam(handle.db);
      return {
        database: handle.kind,
        dataDir: handle.kind === 'pglite' ? env().dataDir : undefined,
        migrations: await migrationStatus(handle.db),
        setUp: !!team,
        team: team ? { name: team.name, slug: team.slug } : null,
      };
    },
    print: (r, io) => {
      const s = r as {
        database: string;
        dataDir?: string;
        migrations: { applied: number; expected: number };
        team: { name: string; slug: string } | null;
      };
      io.out(`Database:   ${s.database === 'pglite' ? `embedded PGlite in ${s.dataDir}` : 'PostgreSQL'}`);
      io.out(`Migrations: ${s.migrations.applied}/${s.migrations.expected}`);
      io.out(`Team:       ${s.team ? `${s.team.name} (${s.team.slug})` : 'not set up (run `tessera setup` or open the console)'}`);
    },
  },
  {
    name: 'user create',
    summary: 'Create a user (role user, admin or owner)',
    usage: 'tessera user create --email EMAIL [--name NAME] [--role user|admin|owner] [--password-stdin] [--json]',
    flags: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    async run(a, io) {
      const password = a['password-stdin'] ? await io.readStdin() : undefined;
      return createUser(await db(), cliActor(), {
        email: required(a, 'email'),
        name: a.name as string | undefined,
        role: roleSchema.parse(a.role ?? 'user'),
        password,
      });
    },
    print: (r, io) => {
      const u = r as { email: string; role: string; id: string };
      io.out(`Created ${u.role} ${u.email} (${u.id}).`);
    },
  },
  {
    name: 'user list',
    summary: 'List users',
    usage: 'tessera user list [--search TEXT] [--role ROLE] [--json]',
    flags: { search: { type: 'string' }, role: { type: 'string' } },
    async run(a) {
      const all = [];
      let cursor: string | undefined;
      do {
        const page = await listUsers(await db(), {
          search: a.search as string | undefined,
          role: a.role ? roleSchema.parse(a.role) : undefined,
          cursor,
          limit: 200,
        });
        all.push(...page.users);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
    print: (r, io) => {
      const list = r as { email: string; role: string; active: boolean; source: string }[];
      if (!list.length) return io.out('No users.');
      for (const u of list) io.out(`${u.email.padEnd(40)} ${u.role.padEnd(6)} ${u.source.padEnd(6)} ${u.active ? 'active' : 'deactivated'}`);
    },
  },
  {
    name: 'user set-role',
    summary: "Change a user's role (the last Owner cannot be demoted)",
    usage: 'tessera user set-role --email EMAIL --role user|admin|owner [--json]',
    flags: { email: { type: 'string' }, role: { type: 'string' } },
    async run(a) {
      const userId = await userIdByEmail(required(a, 'email'));
      const u = await setUserRole(await db(), cliActor(), { userId, role: roleSchema.parse(required(a, 'role')) });
      return { id: u.id, email: u.email, role: u.role };
    },
    print: (r, io) => {
      const u = r as { email: string; role: string };
      io.out(`${u.email} is now ${u.role}.`);
    },
  },
];
