import { describe, expect, it } from 'vitest';
import { attributeKey, parseAttributePath } from './attribute-path';
import { ScimError } from './errors';
import { parseFilter, type ScimFilter } from './parse-filter';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function eq(attribute: string, value: string | number | boolean | null, extra: object = {}): ScimFilter {
  return { kind: 'compare', path: { attribute, ...extra }, op: 'eq', value };
}

function failure(text: string): ScimError {
  try {
    parseFilter(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ScimError);
    return err as ScimError;
  }
  throw new Error(`expected "${text}" to be rejected`);
}

describe('parseFilter: what Entra sends', () => {
  it('reads the Test Connection / matching filter', () => {
    expect(parseFilter('userName eq "Test_User_dfeef4c5-5681-4387-b016-bdf221e82081"')).toEqual(
      eq('userName', 'Test_User_dfeef4c5-5681-4387-b016-bdf221e82081'),
    );
  });

  it('reads externalId and displayName matches', () => {
    expect(parseFilter('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')).toEqual(
      eq('externalId', '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef'),
    );
    expect(parseFilter('displayName eq "displayName"')).toEqual(eq('displayName', 'displayName'));
  });

  it('reads a members check on a group', () => {
    expect(parseFilter('id eq "a99962b9" and members[value eq "f648f8d5ea4e4cd38e9c"]')).toEqual({
      kind: 'and',
      left: eq('id', 'a99962b9'),
      right: { kind: 'valuePath', path: { attribute: 'members' }, filter: eq('value', 'f648f8d5ea4e4cd38e9c') },
    });
  });
});

describe('parseFilter: operators and literals', () => {
  it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])('reads %s, in any case', (op) => {
    expect(parseFilter(`title ${op.toUpperCase()} "x"`)).toEqual({ kind: 'compare', path: { attribute: 'title' }, op, value: 'x' });
  });

  it('reads pr without a value', () => {
    expect(parseFilter('title PR')).toEqual({ kind: 'present', path: { attribute: 'title' } });
  });

  it('reads true, false and null in any case, and JSON numbers', () => {
    expect(parseFilter('active eq True')).toEqual(eq('active', true));
    expect(parseFilter('active eq false')).toEqual(eq('active', false));
    expect(parseFilter('manager eq NULL')).toEqual(eq('manager', null));
    expect(parseFilter('level ge -1.5e2')).toEqual({ kind: 'compare', path: { attribute: 'level' }, op: 'ge', value: -150 });
    expect(parseFilter('level eq 0')).toEqual(eq('level', 0));
  });

  it('decodes JSON string escapes', () => {
    expect(parseFilter(String.raw`displayName eq "a \"quoted\" \\ back\/slash \u00e9\n"`)).toEqual(
      eq('displayName', 'a "quoted" \\ back/slash é\n'),
    );
  });

  it('keeps spaces, brackets and keywords inside strings', () => {
    expect(parseFilter('displayName eq "a and (b) or [c] not d"')).toEqual(eq('displayName', 'a and (b) or [c] not d'));
  });

  it('tolerates extra whitespace', () => {
    expect(parseFilter('  userName   eq\t"x"  ')).toEqual(eq('userName', 'x'));
  });
});

describe('parseFilter: attribute paths', () => {
  it('reads sub-attributes', () => {
    expect(parseFilter('name.givenName sw "A"')).toEqual({
      kind: 'compare',
      path: { attribute: 'name', subAttribute: 'givenName' },
      op: 'sw',
      value: 'A',
    });
    expect(parseFilter('meta.lastModified gt "2011-05-13T04:42:34Z"')).toMatchObject({
      path: { attribute: 'meta', subAttribute: 'lastModified' },
    });
  });

  it('reads enterprise extension attributes by full URN', () => {
    expect(parseFilter(`${ENTERPRISE}:employeeNumber eq "701984"`)).toEqual(
      eq('employeeNumber', '701984', { schema: ENTERPRISE }),
    );
    expect(parseFilter(`${ENTERPRISE}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`)).toMatchObject({
      path: { schema: ENTERPRISE, attribute: 'manager', subAttribute: 'value' },
    });
  });

  it('reads core attributes by full URN', () => {
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bjensen"')).toEqual(
      eq('userName', 'bjensen', { schema: 'urn:ietf:params:scim:schemas:core:2.0:User' }),
    );
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:name.familyName co "O\'Malley"')).toMatchObject({
      path: { schema: 'urn:ietf:params:scim:schemas:core:2.0:User', attribute: 'name', subAttribute: 'familyName' },
    });
  });

  it('reads $ref', () => {
    expect(parseFilter('members.$ref pr')).toEqual({ kind: 'present', path: { attribute: 'members', subAttribute: '$ref' } });
  });

  it('gives case-insensitive canonical keys', () => {
    expect(attributeKey(parseAttributePath('urn:ietf:params:scim:schemas:core:2.0:User:UserName')!)).toBe('username');
    expect(attributeKey(parseAttributePath('Name.GivenName')!)).toBe('name.givenname');
    expect(attributeKey(parseAttributePath(`${ENTERPRISE}:Department`)!)).toBe(`${ENTERPRISE.toLowerCase()}:department`);
  });

  it('rejects malformed attribute paths', () => {
    expect(parseAttributePath('name.givenName.extra')).toBeUndefined();
    expect(parseAttributePath('1abc')).toBeUndefined();
    expect(parseAttributePath('notaurn:userName')).toBeUndefined();
    expect(failure('name.givenName.extra eq "x"').message).toMatch(/position 0.*not a valid attribute path/);
  });
});

describe('parseFilter: precedence and grouping', () => {
  it('binds and tighter than or', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toEqual({
      kind: 'or',
      left: eq('a', 1),
      right: { kind: 'and', left: eq('b', 2), right: eq('c', 3) },
    });
    expect(parseFilter('a eq 1 and b eq 2 or c eq 3')).toEqual({
      kind: 'or',
      left: { kind: 'and', left: eq('a', 1), right: eq('b', 2) },
      right: eq('c', 3),
    });
  });

  it('is left-associative', () => {
    expect(parseFilter('a pr or b pr or c pr')).toEqual({
      kind: 'or',
      left: { kind: 'or', left: { kind: 'present', path: { attribute: 'a' } }, right: { kind: 'present', path: { attribute: 'b' } } },
      right: { kind: 'present', path: { attribute: 'c' } },
    });
  });

  it('lets parentheses override precedence', () => {
    expect(parseFilter('(a eq 1 or b eq 2) and c eq 3')).toEqual({
      kind: 'and',
      left: { kind: 'or', left: eq('a', 1), right: eq('b', 2) },
      right: eq('c', 3),
    });
  });

  it('reads nested parentheses', () => {
    expect(parseFilter('((a eq 1) or ((b eq 2)))')).toEqual({ kind: 'or', left: eq('a', 1), right: eq('b', 2) });
  });

  it('reads not(), with or without a space, in any case', () => {
    const expected = { kind: 'not', filter: { kind: 'or', left: eq('a', 1), right: eq('b', 2) } };
    expect(parseFilter('not (a eq 1 or b eq 2)')).toEqual(expected);
    expect(parseFilter('NOT(a eq 1 or b eq 2)')).toEqual(expected);
  });

  it('binds not to its parenthesis only', () => {
    expect(parseFilter('not (a pr) and b pr')).toEqual({
      kind: 'and',
      left: { kind: 'not', filter: { kind: 'present', path: { attribute: 'a' } } },
      right: { kind: 'present', path: { attribute: 'b' } },
    });
  });

  it('reads the RFC 7644 §3.4.2.2 examples', () => {
    expect(parseFilter('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")')).toMatchObject({
      kind: 'and',
      right: { kind: 'or' },
    });
    expect(parseFilter('userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")')).toMatchObject({
      kind: 'and',
      right: { kind: 'not', filter: { kind: 'or' } },
    });
    expect(parseFilter('emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]')).toMatchObject({
      kind: 'or',
      left: { kind: 'valuePath', path: { attribute: 'emails' } },
      right: { kind: 'valuePath', path: { attribute: 'ims' } },
    });
  });
});

describe('parseFilter: value filters', () => {
  it('reads a value filter with logic inside', () => {
    expect(parseFilter('emails[type eq "work" and value co "@x"]')).toEqual({
      kind: 'valuePath',
      path: { attribute: 'emails' },
      filter: { kind: 'and', left: eq('type', 'work'), right: { kind: 'compare', path: { attribute: 'value' }, op: 'co', value: '@x' } },
    });
  });

  it('reads parentheses and not inside brackets', () => {
    expect(parseFilter('emails[not (type eq "home") and (primary eq true or value ew ".org")]')).toMatchObject({
      kind: 'valuePath',
      filter: { kind: 'and', left: { kind: 'not' }, right: { kind: 'or' } },
    });
  });

  it('reads emails[type eq "work"].value eq "x" as a value filter on both', () => {
    expect(parseFilter('emails[type eq "work"].value eq "ann@example.com"')).toEqual({
      kind: 'valuePath',
      path: { attribute: 'emails' },
      filter: { kind: 'and', left: eq('type', 'work'), right: eq('value', 'ann@example.com') },
    });
  });

  it('reads a value filter on an extension attribute', () => {
    expect(parseFilter('urn:example:custom:1.0:User:badges[type eq "x"]')).toMatchObject({
      kind: 'valuePath',
      path: { schema: 'urn:example:custom:1.0:User', attribute: 'badges' },
    });
  });
});

describe('parseFilter: errors', () => {
  it.each([
    ['userName eq "abc', /position 12: unterminated string/],
    ['userName equals "x"', /position 9: unknown operator "equals"; expected eq, ne/],
    ['userName eq "x" foo', /position 16: unexpected "foo"; expected "and", "or" or the end/],
    ['userName eq "x")', /position 15: unexpected "\)"/],
    ['userName eq bob', /position 12: .*found "bob" \(strings must be in double quotes\)/],
    ['userName eq', /position 11: expected a value after "eq".*found the end of the filter/],
    ['userName', /position 8: expected an operator/],
    ['userName "x"', /position 9: expected an operator/],
    ['emails[type eq "work"', /position 21: expected "\]" to close the "\[" at position 6/],
    ['(a eq 1', /position 7: expected "\)" to close the "\(" at position 0/],
    ['a eq 1 and', /position 10: expected an attribute name/],
    ['a eq 1 or or b eq 2', /position 10: expected an attribute name/],
    ['not a eq 1', /position 4: expected "\(" after "not"/],
    ['a eq 12abc', /position 5: "12abc" is not a valid number/],
    ['a eq "\\x"', /position 6: invalid escape/],
    ['a eq "\\u12"', /position 6: a "\\u" escape needs four hex digits/],
    ['emails[type[value eq 1] eq 2]', /position 11: value filters cannot be nested/],
    ['emails[]', /position 7: .*empty/],
    ['emails[name.givenName eq "x"]', /position 7: inside "\[\.\.\.\]" use a sub-attribute name/],
    ['name.givenName[value eq "x"]', /a value filter "\[\.\.\.\]" applies to an attribute/],
    ['userName eq "x" & active eq true', /position 16: unexpected character "&"/],
    ['', /position 0: the filter is empty/],
    ['   ', /the filter is empty/],
  ])('rejects %j', (text, message) => {
    const err = failure(text);
    expect(err.status).toBe(400);
    expect(err.scimType).toBe('invalidFilter');
    expect(err.message).toMatch(message);
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    const err = failure(`${'('.repeat(5000)}a pr${')'.repeat(5000)}`);
    expect(err.message).toMatch(/nested more than 32 deep/);
    expect(parseFilter(`${'('.repeat(30)}a pr${')'.repeat(30)}`)).toEqual({ kind: 'present', path: { attribute: 'a' } });
  });
});
