import { describe, expect, it } from 'vitest';
import { ScimError } from './errors';
import { parsePatch, parsePatchPath } from './parse-patch';
import { SCIM_SCHEMAS } from './schemas';

const ENTERPRISE = SCIM_SCHEMAS.enterpriseUser;
const patch = (...operations: unknown[]) => ({ schemas: [SCIM_SCHEMAS.patchOp], Operations: operations });

function rejection(body: unknown): ScimError {
  try {
    parsePatch(body);
  } catch (err) {
    expect(err).toBeInstanceOf(ScimError);
    expect((err as ScimError).status).toBe(400);
    return err as ScimError;
  }
  throw new Error('expected the PATCH to be rejected');
}

describe('parsePatchPath', () => {
  it('reads plain, sub-attribute and URN paths', () => {
    expect(parsePatchPath('displayName')).toEqual({ attribute: 'displayName' });
    expect(parsePatchPath('name.givenName')).toEqual({ attribute: 'name', subAttribute: 'givenName' });
    expect(parsePatchPath(`${ENTERPRISE}:manager`)).toEqual({ schema: ENTERPRISE, attribute: 'manager' });
    expect(parsePatchPath(`${ENTERPRISE}:manager.value`)).toEqual({ schema: ENTERPRISE, attribute: 'manager', subAttribute: 'value' });
  });

  it('reads value-filtered paths with and without a sub-attribute', () => {
    expect(parsePatchPath('emails[type eq "work"].value')).toEqual({
      attribute: 'emails',
      subAttribute: 'value',
      valueFilter: { kind: 'compare', path: { attribute: 'type' }, op: 'eq', value: 'work' },
    });
    expect(parsePatchPath('members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]')).toEqual({
      attribute: 'members',
      valueFilter: { kind: 'compare', path: { attribute: 'value' }, op: 'eq', value: '7f4bc1a3-285e-48ae-8202-5accb43efb0e' },
    });
  });

  it('reads a bare extension URN as the extension object', () => {
    expect(parsePatchPath(ENTERPRISE)).toEqual({ attribute: ENTERPRISE });
  });

  it('answers invalidPath for a malformed path and invalidFilter for a malformed filter in it', () => {
    const path = (() => {
      try {
        parsePatchPath('name.givenName.x');
      } catch (err) {
        return err as ScimError;
      }
    })();
    expect(path).toMatchObject({ status: 400, scimType: 'invalidPath' });
    expect(path?.message).toMatch(/^Invalid path at position 0/);

    const filter = (() => {
      try {
        parsePatchPath('emails[type eq work].value');
      } catch (err) {
        return err as ScimError;
      }
    })();
    expect(filter).toMatchObject({ status: 400, scimType: 'invalidFilter' });

    expect(() => parsePatchPath('emails[type eq "work"] extra')).toThrow(/expected the end of the path/);
  });
});

describe('parsePatch: Entra without aadOptscim062020', () => {
  it('lower-cases ops and turns "False" into false', () => {
    expect(parsePatch(patch({ op: 'Replace', path: 'active', value: 'False' }))).toEqual([
      { op: 'replace', path: { attribute: 'active' }, value: false },
    ]);
    expect(parsePatch(patch({ op: 'Replace', path: 'active', value: 'True' }))[0].value).toBe(true);
  });

  it('keeps one operation per path for a multi-attribute update', () => {
    const ops = parsePatch(
      patch(
        { op: 'Replace', path: 'displayName', value: 'Pvlo' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
        { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
        { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
        { op: 'Replace', path: 'externalId', value: 'Eqpj' },
        { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'Eqpj' },
      ),
    );
    expect(ops.map((op) => op.op)).toEqual(Array(6).fill('replace'));
    expect(ops[1].path).toMatchObject({ attribute: 'emails', subAttribute: 'value', valueFilter: { kind: 'compare' } });
    expect(ops[5]).toEqual({ op: 'replace', path: { schema: ENTERPRISE, attribute: 'employeeNumber' }, value: 'Eqpj' });
  });

  it('keeps the value of a members remove', () => {
    expect(parsePatch(patch({ op: 'Remove', path: 'members', value: [{ value: 'u1091' }] }))).toEqual([
      { op: 'remove', path: { attribute: 'members' }, value: [{ value: 'u1091' }] },
    ]);
  });

  it('turns a bare manager id into the complex manager value', () => {
    expect(parsePatch(patch({ op: 'Add', path: `${ENTERPRISE}:manager`, value: '26118915-6090-4610-87e4-49d8ca9f808d' }))).toEqual([
      { op: 'add', path: { schema: ENTERPRISE, attribute: 'manager' }, value: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
    ]);
    expect(parsePatch(patch({ op: 'Replace', path: `${ENTERPRISE}:manager`, value: { value: 'm1' } }))[0].value).toEqual({ value: 'm1' });
    expect(parsePatch(patch({ op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' }))[0].value).toBeNull();
  });
});

describe('parsePatch: Entra with aadOptscim062020 and other path-less forms', () => {
  it('expands dotted and URN keys of a path-less replace into one operation each', () => {
    expect(
      parsePatch(
        patch(
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
          {
            op: 'replace',
            value: {
              displayName: 'Bjfe',
              'name.givenName': 'Kkom',
              'name.familyName': 'Unua',
              [`${ENTERPRISE}:employeeNumber`]: 'Aklq',
            },
          },
        ),
      ),
    ).toEqual([
      {
        op: 'replace',
        path: { attribute: 'emails', subAttribute: 'value', valueFilter: { kind: 'compare', path: { attribute: 'type' }, op: 'eq', value: 'work' } },
        value: 'TestMhvaes@test.microsoft.com',
      },
      { op: 'replace', path: { attribute: 'displayName' }, value: 'Bjfe' },
      { op: 'replace', path: { attribute: 'name', subAttribute: 'givenName' }, value: 'Kkom' },
      { op: 'replace', path: { attribute: 'name', subAttribute: 'familyName' }, value: 'Unua' },
      { op: 'replace', path: { schema: ENTERPRISE, attribute: 'employeeNumber' }, value: 'Aklq' },
    ]);
  });

  it('expands an extension object keyed by its URN (RFC form)', () => {
    expect(parsePatch(patch({ op: 'add', value: { [ENTERPRISE]: { department: 'Sales', manager: 'm-7' } } }))).toEqual([
      { op: 'add', path: { schema: ENTERPRISE, attribute: 'department' }, value: 'Sales' },
      { op: 'add', path: { schema: ENTERPRISE, attribute: 'manager' }, value: { value: 'm-7' } },
    ]);
    expect(parsePatch(patch({ op: 'replace', path: ENTERPRISE, value: { costCenter: '4130' } }))).toEqual([
      { op: 'replace', path: { schema: ENTERPRISE, attribute: 'costCenter' }, value: '4130' },
    ]);
  });

  it('coerces "True"/"False" nested in path-less values and value arrays', () => {
    expect(
      parsePatch(
        patch({
          op: 'Replace',
          value: { active: 'False', emails: [{ type: 'work', value: 'a@b.c', primary: 'True' }], name: { givenName: 'Ann' } },
        }),
      ),
    ).toEqual([
      { op: 'replace', path: { attribute: 'active' }, value: false },
      { op: 'replace', path: { attribute: 'emails' }, value: [{ type: 'work', value: 'a@b.c', primary: true }] },
      { op: 'replace', path: { attribute: 'name' }, value: { givenName: 'Ann' } },
    ]);
    expect(parsePatch(patch({ op: 'Add', path: 'emails[type eq "work"].primary', value: 'true' }))[0].value).toBe(true);
  });

  it('coerces extra boolean attributes the caller names', () => {
    const ops = parsePatch(patch({ op: 'Replace', path: `${ENTERPRISE}:isContractor`, value: 'TRUE' }), {
      booleanAttributes: [`${ENTERPRISE}:isContractor`],
    });
    expect(ops[0].value).toBe(true);
  });

  it('drops "schemas" from path-less values (the server owns it)', () => {
    expect(parsePatch(patch({ op: 'replace', value: { schemas: ['x'], displayName: 'G' } }))).toEqual([
      { op: 'replace', path: { attribute: 'displayName' }, value: 'G' },
    ]);
  });

  it('accepts lower-case "operations" and capitalised keys', () => {
    expect(parsePatch({ operations: [{ Op: 'Add', Path: 'title', Value: 'CTO' }] })).toEqual([
      { op: 'add', path: { attribute: 'title' }, value: 'CTO' },
    ]);
  });

  it('treats an empty path as no path', () => {
    expect(parsePatch(patch({ op: 'replace', path: '', value: { title: 'x' } }))).toEqual([
      { op: 'replace', path: { attribute: 'title' }, value: 'x' },
    ]);
  });
});

describe('parsePatch: rejections', () => {
  it('needs a non-empty Operations array', () => {
    expect(rejection({ schemas: [SCIM_SCHEMAS.patchOp] }).scimType).toBe('invalidSyntax');
    expect(rejection(patch()).scimType).toBe('invalidSyntax');
    expect(rejection('not json').scimType).toBe('invalidSyntax');
  });

  it('refuses unknown ops and malformed operations', () => {
    expect(rejection(patch({ op: 'Move', path: 'title', value: 'x' })).message).toMatch(/Operation 0: unknown op "Move"/);
    expect(rejection(patch({ path: 'title', value: 'x' })).message).toMatch(/needs an "op"/);
    expect(rejection(patch({ op: 'add', path: 5, value: 'x' })).message).toMatch(/"path" must be a string/);
    expect(rejection(patch('add')).scimType).toBe('invalidSyntax');
  });

  it('answers noTarget for a remove without path (RFC 7644 §3.5.2.2)', () => {
    const err = rejection(patch({ op: 'Remove' }));
    expect(err.scimType).toBe('noTarget');
    expect(rejection(patch({ op: 'remove', value: { members: [] } })).scimType).toBe('noTarget');
  });

  it('answers invalidValue for add/replace without a value, or a path-less scalar', () => {
    expect(rejection(patch({ op: 'add', path: 'title' })).scimType).toBe('invalidValue');
    expect(rejection(patch({ op: 'replace', value: 'x' })).scimType).toBe('invalidValue');
    expect(rejection(patch({ op: 'replace', value: [{ title: 'x' }] })).scimType).toBe('invalidValue');
    expect(rejection(patch({ op: 'replace', path: ENTERPRISE, value: 'x' })).scimType).toBe('invalidValue');
  });

  it('answers invalidValue for a boolean that is not one', () => {
    const err = rejection(patch({ op: 'Replace', path: 'active', value: 'Maybe' }));
    expect(err).toMatchObject({ scimType: 'invalidValue', message: '"active" must be true or false, not "Maybe"' });
  });

  it('answers invalidPath for a malformed path or key', () => {
    expect(rejection(patch({ op: 'add', path: 'name..givenName', value: 'x' })).scimType).toBe('invalidPath');
    expect(rejection(patch({ op: 'add', value: { 'bad key': 'x' } })).scimType).toBe('invalidPath');
  });
});
