import { sql } from 'drizzle-orm';
import { PgDialect, boolean, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { ScimError } from './errors';
import { filterToSql, type ScimAttributeResolver } from './filter-to-sql';
import { jsonbAttribute } from './jsonb-attribute';
import { jsonbElements } from './jsonb-elements';
import { parseFilter } from './parse-filter';
import { SCIM_SCHEMAS } from './schemas';

// Stand-in tables shaped like a SCIM service would store users and groups; nothing connects to a db.
const users = pgTable('scim_users', {
  id: uuid('id'),
  userName: text('user_name'),
  externalId: text('external_id'),
  displayName: text('display_name'),
  active: boolean('active'),
  loginCount: integer('login_count'),
  updatedAt: timestamp('updated_at', { withTimezone: true }),
  attributes: jsonb('attributes'),
});
const groupMembers = pgTable('scim_group_members', { groupId: uuid('group_id'), userId: uuid('user_id') });
const groups = pgTable('scim_groups', { id: uuid('id'), displayName: text('display_name') });

const ENTERPRISE = SCIM_SCHEMAS.enterpriseUser;

const resolveUser: ScimAttributeResolver = ({ path, key }) => {
  switch (key) {
    case 'id':
      return { column: sql`${users.id}::text`, type: 'string', caseExact: true };
    case 'username':
      return { column: users.userName, type: 'string' };
    case 'externalid':
      return { column: users.externalId, type: 'string', caseExact: true };
    case 'displayname':
      return { column: users.displayName, type: 'string' };
    case 'active':
      return { column: users.active, type: 'boolean' };
    case 'logincount':
      return { column: users.loginCount, type: 'number' };
    case 'meta.lastmodified':
      return { column: users.updatedAt, type: 'datetime' };
    case 'emails':
      return jsonbElements(sql`${users.attributes} -> 'emails'`);
  }
  // Everything else (name.*, enterprise and custom extensions) lives in the jsonb column.
  if (path.schema && path.schema.toLowerCase() === ENTERPRISE.toLowerCase() && !path.subAttribute) {
    return { jsonb: sql`${users.attributes} -> ${ENTERPRISE}::text -> ${path.attribute}::text` };
  }
  if (key === 'name.givenname') return { jsonb: sql`${users.attributes} #> '{name,givenName}'`, type: 'string' };
  return undefined;
};

const resolveGroup: ScimAttributeResolver = ({ key }) => {
  if (key === 'displayname') return { column: groups.displayName, type: 'string' };
  if (key === 'members') {
    return {
      elements: {
        resolve: (sub) => (sub.key === 'value' ? { column: sql`${groupMembers.userId}::text`, type: 'string', caseExact: true } : undefined),
        exists: (condition) => sql`exists (select 1 from ${groupMembers} where ${groupMembers.groupId} = ${groups.id} and ${condition})`,
      },
    };
  }
  return undefined;
};

const dialect = new PgDialect();
function query(filter: string, resolve = resolveUser) {
  return dialect.sqlToQuery(filterToSql(parseFilter(filter), resolve));
}

function rejection(filter: string, resolve = resolveUser): ScimError {
  try {
    filterToSql(parseFilter(filter), resolve);
  } catch (err) {
    expect(err).toBeInstanceOf(ScimError);
    expect((err as ScimError).status).toBe(400);
    expect((err as ScimError).scimType).toBe('invalidFilter');
    return err as ScimError;
  }
  throw new Error(`expected "${filter}" to be rejected`);
}

describe('filterToSql: strings', () => {
  it('matches userName case-insensitively, as Entra requires', () => {
    expect(query('userName eq "Test_User_DFEEF4C5@contoso.com"')).toEqual({
      sql: '(lower("scim_users"."user_name") = lower($1))',
      params: ['Test_User_DFEEF4C5@contoso.com'],
      typings: ['none'],
    });
  });

  it('compares caseExact attributes as written', () => {
    expect(query('externalId eq "0a21f0f2-8D2A"')).toMatchObject({
      sql: '("scim_users"."external_id" = $1)',
      params: ['0a21f0f2-8D2A'],
    });
  });

  it('reads core-URN-qualified and differently-cased names as the same attribute', () => {
    const plain = query('userName eq "a"');
    expect(query('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"')).toEqual(plain);
    expect(query('USERNAME EQ "a"')).toEqual(plain);
  });

  it('uses IS DISTINCT FROM for ne, so users without the attribute match', () => {
    expect(query('displayName ne "Ann"')).toMatchObject({
      sql: '(lower("scim_users"."display_name") is distinct from lower($1))',
      params: ['Ann'],
    });
  });

  it('turns co/sw/ew into LIKE with wildcards escaped', () => {
    expect(query('displayName co "50%_off\\\\"')).toMatchObject({
      sql: '(lower("scim_users"."display_name") like lower($1))',
      params: ['%50\\%\\_off\\\\%'],
    });
    expect(query('userName sw "ann"').params).toEqual(['ann%']);
    expect(query('userName ew "@contoso.com"').params).toEqual(['%@contoso.com']);
    expect(query('externalId sw "AB_"')).toMatchObject({ sql: '("scim_users"."external_id" like $1)', params: ['AB\\_%'] });
  });

  it('orders strings with gt/ge/lt/le', () => {
    expect(query('userName gt "m"').sql).toBe('(lower("scim_users"."user_name") > lower($1))');
    expect(query('userName le "m"').sql).toBe('(lower("scim_users"."user_name") <= lower($1))');
  });

  it('treats pr on a string as non-null and non-empty', () => {
    expect(query('displayName pr')).toMatchObject({
      sql: `("scim_users"."display_name" is not null and "scim_users"."display_name" <> '')`,
      params: [],
    });
  });

  it('treats eq null / ne null as absence / presence', () => {
    expect(query('displayName eq null').sql).toBe('("scim_users"."display_name" is null)');
    expect(query('displayName ne null').sql).toBe('("scim_users"."display_name" is not null)');
  });

  it('passes user input only as parameters', () => {
    const { sql: text, params } = query(`userName eq "x'); drop table scim_users; --"`);
    expect(text).not.toContain('drop table');
    expect(params).toEqual([`x'); drop table scim_users; --`]);
  });
});

describe('filterToSql: other types', () => {
  it('compares booleans, accepting Entra-style "True"', () => {
    expect(query('active eq false')).toMatchObject({ sql: '("scim_users"."active" = $1)', params: [false] });
    expect(query('active eq "True"')).toMatchObject({ params: [true] });
    expect(query('active ne true').sql).toBe('("scim_users"."active" is distinct from $1)');
    expect(query('active pr').sql).toBe('("scim_users"."active" is not null)');
  });

  it('compares numbers', () => {
    expect(query('loginCount ge 3')).toMatchObject({ sql: '("scim_users"."login_count" >= $1)', params: [3] });
  });

  it('compares date-times as timestamptz, normalised to ISO', () => {
    expect(query('meta.lastModified gt "2011-05-13T04:42:34+02:00"')).toMatchObject({
      sql: '("scim_users"."updated_at" > $1::timestamptz)',
      params: ['2011-05-13T02:42:34.000Z'],
    });
  });

  it('rejects operators that make no sense for the type (RFC 7644 §3.4.2.2)', () => {
    expect(rejection('active gt true').message).toMatch(/"gt" is not allowed on the boolean "active"/);
    expect(rejection('active co "t"').message).toMatch(/boolean/);
    expect(rejection('loginCount sw 1').message).toMatch(/"sw" is not allowed on the number/);
    expect(rejection('meta.lastModified co "2011"').message).toMatch(/not allowed on the date-time/);
  });

  it('rejects literals of the wrong type', () => {
    expect(rejection('userName eq 42').message).toMatch(/"userName" is a string/);
    expect(rejection('active eq "yes"').message).toMatch(/boolean/);
    expect(rejection('loginCount eq "3"').message).toMatch(/number/);
    expect(rejection('meta.lastModified gt "yesterday"').message).toMatch(/date-time/);
    expect(rejection('userName gt null').message).toMatch(/cannot compare "userName" with null/);
  });
});

describe('filterToSql: logic', () => {
  it('keeps the parsed precedence with explicit parentheses', () => {
    expect(query('userName eq "a" or userName eq "b" and active eq true')).toEqual({
      sql: '((lower("scim_users"."user_name") = lower($1)) or ((lower("scim_users"."user_name") = lower($2)) and ("scim_users"."active" = $3)))',
      params: ['a', 'b', true],
      typings: ['none', 'none', 'none'],
    });
    expect(query('(userName eq "a" or userName eq "b") and active eq true').sql).toBe(
      '(((lower("scim_users"."user_name") = lower($1)) or (lower("scim_users"."user_name") = lower($2))) and ("scim_users"."active" = $3))',
    );
  });

  it('negates with NULL counted as false', () => {
    expect(query('not (displayName eq "x")').sql).toBe('(not coalesce((lower("scim_users"."display_name") = lower($1)), false))');
  });
});

describe('filterToSql: jsonb and multi-valued attributes', () => {
  it('reads enterprise extension attributes from jsonb, typed by the literal', () => {
    expect(query(`${ENTERPRISE}:employeeNumber eq "701984"`)).toMatchObject({
      sql: `(lower(("scim_users"."attributes" -> $1::text -> $2::text #>> '{}')) = lower($3))`,
      params: [ENTERPRISE, 'employeeNumber', '701984'],
    });
    expect(query(`${ENTERPRISE}:level gt 3`).sql).toBe(
      `((case when jsonb_typeof("scim_users"."attributes" -> $1::text -> $2::text) = 'number' then ("scim_users"."attributes" -> $3::text -> $4::text #>> '{}')::numeric end) > $5)`,
    );
  });

  it('treats pr on jsonb as "not null, not empty"', () => {
    expect(query(`${ENTERPRISE}:department pr`).sql).toContain(`not in ('""'::jsonb, '[]'::jsonb, '{}'::jsonb)`);
  });

  it('turns a value filter into EXISTS over the array elements', () => {
    const { sql: text, params } = query('emails[type eq "work" and value co "@Contoso.com"]');
    expect(text).toBe(
      `exists (select 1 from jsonb_array_elements(case when jsonb_typeof("scim_users"."attributes" -> 'emails') = 'array' then "scim_users"."attributes" -> 'emails' else '[]'::jsonb end) as scim_value(item) where ((lower(((scim_value.item -> $1::text) #>> '{}')) = lower($2)) and (lower(((scim_value.item -> $3::text) #>> '{}')) like lower($4))))`,
    );
    expect(params).toEqual(['type', 'work', 'value', '%@Contoso.com%']);
  });

  it('reads emails.value and bare emails through the array', () => {
    expect(query('emails.value eq "ann@contoso.com"').sql).toMatch(/^exists \(select 1 from jsonb_array_elements/);
    expect(query('emails eq "ann@contoso.com"').params).toEqual(['value', 'ann@contoso.com']);
    expect(query('emails pr').sql).toMatch(/where true\)$/);
  });

  it('reads emails[type eq "work"].value eq "x" as one element matching both', () => {
    expect(query('emails[type eq "work"].value eq "a@b.c"')).toEqual(query('emails[type eq "work" and value eq "a@b.c"]'));
  });

  it('uses the service-supplied EXISTS for members', () => {
    expect(query('members[value eq "f648f8d5-ea4e-4cd3-8e9c-000000000000"]', resolveGroup)).toMatchObject({
      sql: 'exists (select 1 from "scim_group_members" where "scim_group_members"."group_id" = "scim_groups"."id" and ("scim_group_members"."user_id"::text = $1))',
      params: ['f648f8d5-ea4e-4cd3-8e9c-000000000000'],
    });
    expect(query('members.value eq "x"', resolveGroup)).toEqual(query('members[value eq "x"]', resolveGroup));
  });
});

describe('filterToSql: unsupported attributes', () => {
  it('answers invalidFilter for an attribute the resolver does not know', () => {
    expect(rejection('nickName eq "x"').message).toBe('Invalid filter: filtering on "nickName" is not supported');
    expect(rejection('urn:example:custom:1.0:User:badge eq "x"').message).toMatch(/urn:example:custom:1.0:User:badge/);
  });

  it('answers invalidFilter for an unknown sub-attribute of a multi-valued attribute', () => {
    expect(rejection('emails[color eq "red"]').message).toMatch(/"color" is not supported/);
  });

  it('answers invalidFilter for a value filter on a single-valued attribute', () => {
    expect(rejection('userName[value eq "x"]').message).toMatch(/"userName" cannot be filtered with "\[\.\.\.\]"/);
  });
});

describe('filterToSql: a resolver shaped like the SCIM service will write it', () => {
  // Columns for what Entra matches on, an EXISTS for membership, jsonb for everything else.
  const resolve: ScimAttributeResolver = ({ path, key }) => {
    switch (key) {
      case 'username':
        return { column: users.userName, type: 'string' };
      case 'externalid':
        return { column: users.externalId, type: 'string', caseExact: true };
      case 'displayname':
        return { column: users.displayName, type: 'string' };
      case 'active':
        return { column: users.active, type: 'boolean' };
      case 'meta.lastmodified':
        return { column: users.updatedAt, type: 'datetime' };
      case 'emails':
        return jsonbElements(sql`${users.attributes} -> 'emails'`);
      case 'groups':
        return {
          elements: {
            resolve: (sub) => (sub.key === 'value' ? { column: sql`${groupMembers.groupId}::text`, type: 'string', caseExact: true } : undefined),
            exists: (condition) => sql`exists (select 1 from ${groupMembers} where ${groupMembers.userId} = ${users.id} and ${condition})`,
          },
        };
    }
    return jsonbAttribute(users.attributes, path);
  };
  const run = (filter: string) => dialect.sqlToQuery(filterToSql(parseFilter(filter), resolve));

  it('answers Entra\'s matching query with an index-friendly lower() comparison', () => {
    expect(run('userName eq "Ann@Contoso.com"').sql).toBe('(lower("scim_users"."user_name") = lower($1))');
  });

  it('finds the stored work email', () => {
    expect(run('emails[type eq "work"].value eq "ann@contoso.com"').params).toEqual(['type', 'work', 'value', 'ann@contoso.com']);
  });

  it('falls back to the jsonb document, respelling the enterprise URN the way it is stored', () => {
    expect(run(`${ENTERPRISE.toLowerCase()}:department eq "Sales"`)).toMatchObject({
      sql: `(lower((("scim_users"."attributes" -> $1::text -> $2::text) #>> '{}')) = lower($3))`,
      params: [ENTERPRISE, 'department', 'Sales'],
    });
    expect(run('name.givenName sw "A"').params).toEqual(['name', 'givenName', 'A%']);
    // pr repeats the expression (null, typeof, emptiness), and with it the key parameters.
    expect(run('urn:example:custom:1.0:User:badge pr').params.slice(0, 2)).toEqual(['urn:example:custom:1.0:User', 'badge']);
  });

  it('combines all of them', () => {
    const { sql: text, params } = run(
      'active eq true and (meta.lastModified ge "2024-01-01T00:00:00Z" or groups[value eq "g1"]) and not (displayName co "test")',
    );
    expect(text.startsWith('((("scim_users"."active" = $1) and (')).toBe(true);
    expect(params).toEqual([true, '2024-01-01T00:00:00.000Z', 'g1', '%test%']);
  });
});
