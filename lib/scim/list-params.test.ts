import { describe, expect, it } from 'vitest';
import { ScimError } from './errors';
import { parseListParams, projectAttributes } from './list-params';
import { SCIM_SCHEMAS } from './schemas';

const ENTERPRISE = SCIM_SCHEMAS.enterpriseUser;

function rejection(query: Record<string, string>): ScimError {
  try {
    parseListParams(query);
  } catch (err) {
    expect(err).toBeInstanceOf(ScimError);
    expect((err as ScimError).status).toBe(400);
    return err as ScimError;
  }
  throw new Error('expected the query to be rejected');
}

describe('parseListParams', () => {
  it('reads Entra\'s Test Connection query', () => {
    const params = parseListParams(new URLSearchParams('filter=userName%20eq%20%22a1b2c3d4-0000-4000-8000-000000000000%22'));
    expect(params).toEqual({
      startIndex: 1,
      count: 100,
      filter: { kind: 'compare', path: { attribute: 'userName' }, op: 'eq', value: 'a1b2c3d4-0000-4000-8000-000000000000' },
      attributes: [],
      excludedAttributes: [],
      sortBy: undefined,
      sortOrder: 'ascending',
    });
  });

  it('reads Entra\'s group lookup with excludedAttributes=members', () => {
    const params = parseListParams(new URLSearchParams('excludedAttributes=members&filter=displayName+eq+%22displayName%22'));
    expect(params.excludedAttributes).toEqual(['members']);
    expect(params.filter).toMatchObject({ path: { attribute: 'displayName' }, value: 'displayName' });
  });

  it('clamps startIndex and count as RFC 7644 §3.4.2.4 says', () => {
    expect(parseListParams({ startIndex: '0', count: '-5' })).toMatchObject({ startIndex: 1, count: 0 });
    expect(parseListParams({ startIndex: '-3' }).startIndex).toBe(1);
    expect(parseListParams({ startIndex: '21', count: '20' })).toMatchObject({ startIndex: 21, count: 20 });
    expect(parseListParams({ count: '5000' }).count).toBe(1000);
    expect(parseListParams({ count: '99999999999999999999999999' }).count).toBe(1000);
    expect(parseListParams({ count: '50' }, { maxCount: 10 }).count).toBe(10);
    expect(parseListParams({}, { defaultCount: 25 }).count).toBe(25);
    expect(parseListParams({ count: '' }).count).toBe(100);
  });

  it('refuses non-integer paging values', () => {
    expect(rejection({ count: 'ten' })).toMatchObject({ scimType: 'invalidValue', message: 'count must be an integer, not "ten"' });
    expect(rejection({ startIndex: '1.5' }).scimType).toBe('invalidValue');
  });

  it('matches parameter names case-insensitively and takes the first of repeats', () => {
    expect(parseListParams({ STARTINDEX: '3', Count: '4' })).toMatchObject({ startIndex: 3, count: 4 });
    expect(parseListParams(new URLSearchParams('count=2&count=9')).count).toBe(2);
    expect(parseListParams({ count: ['7', '8'] }).count).toBe(7);
  });

  it('splits URN-aware attribute lists', () => {
    const params = parseListParams({
      attributes: ` userName, ${ENTERPRISE}:manager ,name.givenName,,${ENTERPRISE}`,
      excludedAttributes: 'members,emails.value',
    });
    expect(params.attributes).toEqual(['userName', `${ENTERPRISE}:manager`, 'name.givenName', ENTERPRISE]);
    expect(params.excludedAttributes).toEqual(['members', 'emails.value']);
  });

  it('refuses malformed attribute names', () => {
    expect(rejection({ attributes: 'userName,bad name' }).message).toMatch(/attributes contains "bad name"/);
  });

  it('passes filter errors through as invalidFilter', () => {
    expect(rejection({ filter: 'userName eq' }).scimType).toBe('invalidFilter');
  });

  it('reads sortBy and sortOrder', () => {
    expect(parseListParams({ sortBy: 'name.familyName', sortOrder: 'Descending' })).toMatchObject({
      sortBy: { attribute: 'name', subAttribute: 'familyName' },
      sortOrder: 'descending',
    });
    expect(rejection({ sortOrder: 'up' }).scimType).toBe('invalidValue');
    expect(rejection({ sortBy: 'a..b' }).scimType).toBe('invalidValue');
  });
});

describe('projectAttributes', () => {
  const user = {
    schemas: [SCIM_SCHEMAS.coreUser, ENTERPRISE],
    id: '2819c223',
    externalId: 'bjensen',
    meta: { resourceType: 'User', lastModified: '2011-05-13T04:42:34Z' },
    userName: 'bjensen@example.com',
    password: 't1meMa$heen',
    name: { familyName: 'Jensen', givenName: 'Barbara' },
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: '26118915', displayName: 'John Smith' } },
  };

  it('returns everything but returned:never attributes when nothing is selected', () => {
    const { password: _, ...rest } = user;
    expect(projectAttributes(user, {})).toEqual(rest);
  });

  it('returns only the requested attributes plus id and schemas', () => {
    expect(projectAttributes(user, { attributes: ['userName', 'name.givenName'] })).toEqual({
      schemas: user.schemas,
      id: '2819c223',
      userName: 'bjensen@example.com',
      name: { givenName: 'Barbara' },
    });
  });

  it('picks a sub-attribute across all values of a multi-valued attribute', () => {
    expect(projectAttributes(user, { attributes: ['emails.value', 'EMAILS.type'] }).emails).toEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
  });

  it('selects extension attributes by full name, or the whole extension by its URN', () => {
    expect(projectAttributes(user, { attributes: [`${ENTERPRISE}:manager.value`, `${ENTERPRISE}:department`] })[ENTERPRISE]).toEqual({
      department: 'Tour Operations',
      manager: { value: '26118915' },
    });
    expect(projectAttributes(user, { attributes: [ENTERPRISE] })[ENTERPRISE]).toEqual(user[ENTERPRISE]);
  });

  it('can keep meta as always returned', () => {
    expect(projectAttributes(user, { attributes: ['userName'] }, ['id', 'schemas', 'meta'])).toHaveProperty('meta');
    expect(projectAttributes(user, { attributes: ['userName'] })).not.toHaveProperty('meta');
  });

  it('never returns the password, even when asked', () => {
    expect(projectAttributes(user, { attributes: ['password', 'userName'] })).not.toHaveProperty('password');
  });

  it('excludes members the way Entra asks for groups', () => {
    const group = { schemas: [SCIM_SCHEMAS.coreGroup], id: 'g', displayName: 'Admins', members: [{ value: 'a' }] };
    expect(projectAttributes(group, { excludedAttributes: ['members'] })).toEqual({
      schemas: [SCIM_SCHEMAS.coreGroup],
      id: 'g',
      displayName: 'Admins',
    });
  });

  it('excludes sub-attributes and extension attributes, but never id or schemas', () => {
    const projected = projectAttributes(user, {
      excludedAttributes: ['id', 'schemas', 'emails.primary', 'name.familyName', `${ENTERPRISE}:manager`],
    });
    expect(projected.id).toBe('2819c223');
    expect(projected.schemas).toEqual(user.schemas);
    expect(projected.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
    expect(projected.name).toEqual({ givenName: 'Barbara' });
    expect(projected[ENTERPRISE]).toEqual({ employeeNumber: '701984', department: 'Tour Operations' });
  });

  it('drops a whole extension by its URN', () => {
    expect(projectAttributes(user, { excludedAttributes: [ENTERPRISE] })).not.toHaveProperty(ENTERPRISE);
  });

  it('does not modify the resource', () => {
    const copy = structuredClone(user);
    projectAttributes(user, { excludedAttributes: ['emails.value', `${ENTERPRISE}:manager`] });
    expect(user).toEqual(copy);
  });
});
