import { describe, expect, it } from 'vitest';
import { applyPatch, type ApplyPatchOptions } from './apply-patch';
import { ScimError } from './errors';
import { parsePatch } from './parse-patch';
import { SCIM_SCHEMAS } from './schemas';

const ENTERPRISE = SCIM_SCHEMAS.enterpriseUser;

// The user of Microsoft's "Create User" example, as a service would have stored and returned it.
function entraUser(): Record<string, unknown> {
  return {
    schemas: [SCIM_SCHEMAS.coreUser],
    id: '48af03ac28ad4fb88478',
    externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
    meta: { resourceType: 'User', created: '2018-03-27T19:59:26.000Z', lastModified: '2018-03-27T19:59:26.000Z' },
    userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    active: true,
    emails: [{ value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com', type: 'work', primary: true }],
  };
}

function entraGroup(members?: string[]): Record<string, unknown> {
  const group: Record<string, unknown> = {
    schemas: [SCIM_SCHEMAS.coreGroup],
    id: '927fa2c08dcb4a7fae9e',
    externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
    displayName: 'displayName',
    meta: { resourceType: 'Group' },
  };
  if (members) group.members = members.map((value) => ({ value }));
  return group;
}

// Replays a PATCH body exactly as it arrives: normalise, then apply.
function patch(resource: Record<string, unknown>, operations: unknown[], options?: ApplyPatchOptions) {
  return applyPatch(resource, parsePatch({ schemas: [SCIM_SCHEMAS.patchOp], Operations: operations }), options);
}

function rejection(resource: Record<string, unknown>, operations: unknown[]): ScimError {
  try {
    patch(resource, operations);
  } catch (err) {
    expect(err).toBeInstanceOf(ScimError);
    expect((err as ScimError).status).toBe(400);
    return err as ScimError;
  }
  throw new Error('expected the PATCH to be rejected');
}

const NO_MEMBER_CHANGES = { removeAll: false, added: [], removed: [] };

describe('applyPatch: disabling a user (both Entra dialects)', () => {
  it.each([
    ['without aadOptscim062020', { op: 'Replace', path: 'active', value: 'False' }],
    ['with aadOptscim062020', { op: 'replace', path: 'active', value: false }],
    ['path-less', { op: 'Replace', value: { active: 'False' } }],
  ])('%s', (_, operation) => {
    const result = patch(entraUser(), [operation]);
    expect(result.resource.active).toBe(false);
    expect(result.changed).toBe(true);
    expect(result.members).toEqual(NO_MEMBER_CHANGES);
  });

  it('reactivates with "True"', () => {
    expect(patch({ ...entraUser(), active: false }, [{ op: 'Replace', path: 'active', value: 'True' }]).resource.active).toBe(true);
  });
});

describe('applyPatch: single-valued attributes', () => {
  it.each([
    ['without aadOptscim062020', { op: 'Add', path: 'nickName', value: 'Babs' }],
    ['with aadOptscim062020', { op: 'add', path: 'nickName', value: 'Babs' }],
  ])('adds a string attribute %s', (_, operation) => {
    expect(patch(entraUser(), [operation]).resource.nickName).toBe('Babs');
  });

  it('replaces userName (Microsoft "Update User [Single-valued properties]")', () => {
    const { resource } = patch(entraUser(), [
      { op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' },
    ]);
    expect(resource.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
  });

  it('matches attribute names case-insensitively and keeps the stored spelling', () => {
    const { resource } = patch(entraUser(), [{ op: 'replace', path: 'USERNAME', value: 'ann' }]);
    expect(resource.userName).toBe('ann');
    expect(resource).not.toHaveProperty('USERNAME');
  });

  it('reads a core-URN-qualified path as the top-level attribute', () => {
    const { resource } = patch(entraUser(), [{ op: 'replace', path: `${SCIM_SCHEMAS.coreUser}:displayName`, value: 'Ann' }]);
    expect(resource.displayName).toBe('Ann');
  });

  it('removes an attribute, and treats a null value as removal', () => {
    expect(patch(entraUser(), [{ op: 'Remove', path: 'externalId' }]).resource).not.toHaveProperty('externalId');
    expect(patch(entraUser(), [{ op: 'Replace', path: 'externalId', value: null }]).resource).not.toHaveProperty('externalId');
  });

  it('reports no change when the value is already there (Entra re-sends on every cycle)', () => {
    const user = entraUser();
    const result = patch(user, [{ op: 'Replace', path: 'userName', value: user.userName }]);
    expect(result.changed).toBe(false);
    expect(result.resource).toEqual(user);
  });

  it('does not modify its input', () => {
    const user = entraUser();
    const before = structuredClone(user);
    patch(user, [
      { op: 'Replace', path: 'name.givenName', value: 'Ann' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'ann@contoso.com' },
    ]);
    expect(user).toEqual(before);
  });
});

describe('applyPatch: complex attributes', () => {
  it('replaces a sub-attribute (Microsoft "Update User [Multi-valued properties]")', () => {
    const { resource } = patch(entraUser(), [
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
      { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
    ]);
    expect(resource.name).toEqual({ formatted: 'givenName familyName', familyName: 'updatedFamilyName', givenName: 'givenName' });
    expect(resource.emails).toEqual([{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }]);
  });

  it('creates the parent of a sub-attribute when missing', () => {
    const { name: _, ...user } = entraUser();
    expect(patch(user, [{ op: 'Add', path: 'name.givenName', value: 'Ann' }]).resource.name).toEqual({ givenName: 'Ann' });
  });

  it('merges a complex value into the existing one (RFC 7644 §3.5.2.3)', () => {
    const { resource } = patch(entraUser(), [{ op: 'replace', path: 'name', value: { givenName: 'Ann' } }]);
    expect(resource.name).toEqual({ formatted: 'givenName familyName', familyName: 'familyName', givenName: 'Ann' });
  });

  it('removes a sub-attribute, and the parent once it is empty', () => {
    const once = patch(entraUser(), [{ op: 'remove', path: 'name.formatted' }]).resource;
    expect(once.name).toEqual({ familyName: 'familyName', givenName: 'givenName' });
    const all = patch(entraUser(), [
      { op: 'remove', path: 'name.formatted' },
      { op: 'remove', path: 'name.familyName' },
      { op: 'remove', path: 'name.givenName' },
    ]).resource;
    expect(all).not.toHaveProperty('name');
  });

  it('applies path-less dotted keys (the forum-reported Entra request)', () => {
    const { resource } = patch(entraUser(), [
      { op: 'replace', value: { 'name.formatted': 'test test2', 'name.familyName': 'test' } },
    ]);
    expect(resource.name).toEqual({ formatted: 'test test2', familyName: 'test', givenName: 'givenName' });
  });

  it('refuses a sub-attribute of a simple attribute', () => {
    expect(rejection(entraUser(), [{ op: 'add', path: 'userName.first', value: 'x' }]).scimType).toBe('invalidPath');
  });
});

describe('applyPatch: filtered paths on multi-valued attributes', () => {
  it('creates the work email when the user has none (Entra Add, and Replace)', () => {
    const { emails: _, ...user } = entraUser();
    for (const op of ['Add', 'Replace']) {
      const { resource } = patch(user, [{ op, path: 'emails[type eq "work"].value', value: 'ann@contoso.com' }]);
      expect(resource.emails).toEqual([{ type: 'work', value: 'ann@contoso.com' }]);
    }
  });

  it('adds a work email next to a home one, not over it', () => {
    const user = { ...entraUser(), emails: [{ type: 'home', value: 'ann@home.example' }] };
    const { resource } = patch(user, [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'ann@contoso.com' }]);
    expect(resource.emails).toEqual([
      { type: 'home', value: 'ann@home.example' },
      { type: 'work', value: 'ann@contoso.com' },
    ]);
  });

  it('creates an address from Entra\'s addresses[type eq "work"].formatted', () => {
    const { resource } = patch(entraUser(), [{ op: 'Add', path: 'addresses[type eq "work"].formatted', value: 'Columbus' }]);
    expect(resource.addresses).toEqual([{ type: 'work', formatted: 'Columbus' }]);
  });

  it('matches filter values case-insensitively', () => {
    const { resource } = patch(entraUser(), [{ op: 'Replace', path: 'emails[type eq "WORK"].value', value: 'x@y.z' }]);
    expect(resource.emails).toEqual([{ value: 'x@y.z', type: 'work', primary: true }]);
  });

  it('replaces the title and adds the email in one request (the forum-reported pair)', () => {
    const { resource } = patch(entraUser(), [
      { op: 'Replace', path: 'title', value: 'tester' },
      { op: 'Add', path: 'emails[type eq "work"].value', value: 'joe@joe.com' },
    ]);
    expect(resource.title).toBe('tester');
    expect(resource.emails).toEqual([{ value: 'joe@joe.com', type: 'work', primary: true }]);
  });

  it('replaces a whole matched value, or merges into it on add', () => {
    const user = { ...entraUser(), addresses: [{ type: 'work', locality: 'Oslo', country: 'NO' }] };
    const replaced = patch(user, [{ op: 'replace', path: 'addresses[type eq "work"]', value: { type: 'work', locality: 'Bergen' } }]);
    expect(replaced.resource.addresses).toEqual([{ type: 'work', locality: 'Bergen' }]);
    const added = patch(user, [{ op: 'add', path: 'addresses[type eq "work"]', value: { postalCode: '0150' } }]);
    expect(added.resource.addresses).toEqual([{ type: 'work', locality: 'Oslo', country: 'NO', postalCode: '0150' }]);
  });

  it('removes matched values, or a sub-attribute of them', () => {
    const user = { ...entraUser(), phoneNumbers: [{ type: 'work', value: '1' }, { type: 'mobile', value: '2', display: 'm' }] };
    expect(patch(user, [{ op: 'remove', path: 'phoneNumbers[type eq "work"]' }]).resource.phoneNumbers).toEqual([
      { type: 'mobile', value: '2', display: 'm' },
    ]);
    expect(patch(user, [{ op: 'remove', path: 'phoneNumbers[type eq "mobile"].display' }]).resource.phoneNumbers).toEqual([
      { type: 'work', value: '1' },
      { type: 'mobile', value: '2' },
    ]);
    expect(patch(user, [{ op: 'remove', path: 'phoneNumbers[type pr]' }]).resource).not.toHaveProperty('phoneNumbers');
  });

  it('keeps a single primary value', () => {
    const user = { ...entraUser(), emails: [{ type: 'work', value: 'a@w', primary: true }, { type: 'home', value: 'a@h' }] };
    const { resource } = patch(user, [{ op: 'replace', path: 'emails[type eq "home"].primary', value: 'True' }]);
    expect(resource.emails).toEqual([
      { type: 'work', value: 'a@w', primary: false },
      { type: 'home', value: 'a@h', primary: true },
    ]);
  });

  it('answers noTarget when nothing matches and the filter cannot describe a new value', () => {
    const err = rejection(entraUser(), [{ op: 'Replace', path: 'emails[value co "@nowhere"].type', value: 'work' }]);
    expect(err.scimType).toBe('noTarget');
  });

  it('ignores a remove that matches nothing', () => {
    const result = patch(entraUser(), [{ op: 'Remove', path: 'emails[type eq "home"]' }]);
    expect(result.changed).toBe(false);
  });

  it('refuses a filter on a single-valued attribute, or a non-object value for a filtered path', () => {
    expect(rejection(entraUser(), [{ op: 'add', path: 'name[givenName eq "x"].familyName', value: 'y' }]).scimType).toBe('invalidPath');
    expect(rejection(entraUser(), [{ op: 'add', path: 'emails[type eq "work"]', value: 'x@y' }]).scimType).toBe('invalidValue');
  });
});

describe('applyPatch: multi-valued attributes without a filter', () => {
  it('appends on add, merging a value already present', () => {
    const { resource } = patch(entraUser(), [
      {
        op: 'add',
        path: 'emails',
        value: [
          { type: 'work', value: 'TEST_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' },
          { type: 'home', value: 'ann@home.example' },
        ],
      },
    ]);
    expect(resource.emails).toEqual([
      { value: 'TEST_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com', type: 'work', primary: true },
      { type: 'home', value: 'ann@home.example' },
    ]);
  });

  it('creates the array for a single value added to a known multi-valued attribute', () => {
    const { resource } = patch(entraUser(), [{ op: 'add', path: 'roles', value: { value: 'admin' } }]);
    expect(resource.roles).toEqual([{ value: 'admin' }]);
  });

  it('replaces all values on replace', () => {
    const { resource } = patch(entraUser(), [{ op: 'replace', path: 'emails', value: [{ type: 'home', value: 'h@h' }] }]);
    expect(resource.emails).toEqual([{ type: 'home', value: 'h@h' }]);
  });

  it('removes only the listed values when remove carries a value', () => {
    const user = { ...entraUser(), roles: [{ value: 'a' }, { value: 'b' }] };
    expect(patch(user, [{ op: 'Remove', path: 'roles', value: [{ value: 'a' }] }]).resource.roles).toEqual([{ value: 'b' }]);
  });

  it('sets a sub-attribute on every value when no filter narrows it', () => {
    const user = { ...entraUser(), emails: [{ value: 'a' }, { value: 'b' }] };
    expect(patch(user, [{ op: 'replace', path: 'emails.type', value: 'work' }]).resource.emails).toEqual([
      { value: 'a', type: 'work' },
      { value: 'b', type: 'work' },
    ]);
  });
});

describe('applyPatch: enterprise extension', () => {
  it.each([
    ['without aadOptscim062020', [{ op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'Eqpj' }]],
    ['with aadOptscim062020', [{ op: 'replace', value: { [`${ENTERPRISE}:employeeNumber`]: 'Eqpj' } }]],
    ['RFC extension object', [{ op: 'replace', value: { [ENTERPRISE]: { employeeNumber: 'Eqpj' } } }]],
  ])('sets employeeNumber %s and lists the extension in schemas', (_, operations) => {
    const { resource } = patch(entraUser(), operations);
    expect(resource[ENTERPRISE]).toEqual({ employeeNumber: 'Eqpj' });
    expect(resource.schemas).toEqual([SCIM_SCHEMAS.coreUser, ENTERPRISE]);
  });

  it('sets department and manager as Entra sends them', () => {
    const { resource } = patch(entraUser(), [
      { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Sales' },
      { op: 'Add', path: `${ENTERPRISE}:manager`, value: '26118915-6090-4610-87e4-49d8ca9f808d' },
    ]);
    expect(resource[ENTERPRISE]).toEqual({ department: 'Sales', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } });
  });

  it('changes the manager', () => {
    const user = { ...entraUser(), schemas: [SCIM_SCHEMAS.coreUser, ENTERPRISE], [ENTERPRISE]: { manager: { value: 'old' } } };
    const { resource } = patch(user, [{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: 'new' }]);
    expect(resource[ENTERPRISE]).toEqual({ manager: { value: 'new' } });
  });

  it('drops the extension and its schema when its last attribute is removed', () => {
    const user = { ...entraUser(), schemas: [SCIM_SCHEMAS.coreUser, ENTERPRISE], [ENTERPRISE]: { manager: { value: 'm' } } };
    for (const operation of [
      { op: 'Remove', path: `${ENTERPRISE}:manager` },
      { op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' },
      { op: 'remove', path: ENTERPRISE },
    ]) {
      const { resource } = patch(user, [operation]);
      expect(resource).not.toHaveProperty(ENTERPRISE);
      expect(resource.schemas).toEqual([SCIM_SCHEMAS.coreUser]);
    }
  });

  it('matches the extension URN case-insensitively', () => {
    const user = { ...entraUser(), schemas: [SCIM_SCHEMAS.coreUser, ENTERPRISE], [ENTERPRISE]: { department: 'A' } };
    const { resource } = patch(user, [{ op: 'replace', path: `${ENTERPRISE.toLowerCase()}:Department`, value: 'B' }]);
    expect(resource[ENTERPRISE]).toEqual({ department: 'B' });
    expect(resource.schemas).toEqual([SCIM_SCHEMAS.coreUser, ENTERPRISE]);
  });

  it('ignores removal from an extension the user does not have', () => {
    expect(patch(entraUser(), [{ op: 'Remove', path: `${ENTERPRISE}:department` }]).changed).toBe(false);
  });
});

describe('applyPatch: the full "replace multiple attributes" requests', () => {
  const expected = (email: string, display: string, given: string, family: string, employee: string) => ({
    displayName: display,
    emails: [{ value: email, type: 'work', primary: true }],
    name: { formatted: 'givenName familyName', givenName: given, familyName: family },
    [ENTERPRISE]: { employeeNumber: employee },
  });

  it('without aadOptscim062020', () => {
    const { resource } = patch(entraUser(), [
      { op: 'Replace', path: 'displayName', value: 'Pvlo' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
      { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
      { op: 'Replace', path: 'externalId', value: 'Eqpj' },
      { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'Eqpj' },
    ]);
    expect(resource).toMatchObject({ ...expected('TestBcwqnm@test.microsoft.com', 'Pvlo', 'Gtfd', 'Pkqf', 'Eqpj'), externalId: 'Eqpj' });
  });

  it('with aadOptscim062020', () => {
    const { resource } = patch(entraUser(), [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
      {
        op: 'replace',
        value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${ENTERPRISE}:employeeNumber`]: 'Aklq' },
      },
    ]);
    expect(resource).toMatchObject(expected('TestMhvaes@test.microsoft.com', 'Bjfe', 'Kkom', 'Unua', 'Aklq'));
  });
});

describe('applyPatch: read-only attributes', () => {
  it('refuses to change id or meta (mutability)', () => {
    expect(rejection(entraUser(), [{ op: 'replace', path: 'id', value: 'other' }]).scimType).toBe('mutability');
    expect(rejection(entraUser(), [{ op: 'remove', path: 'meta' }]).scimType).toBe('mutability');
    expect(rejection(entraUser(), [{ op: 'replace', path: 'meta.created', value: 'x' }]).scimType).toBe('mutability');
  });

  it('accepts an echoed, unchanged id in a path-less replace', () => {
    const result = patch(entraUser(), [{ op: 'replace', value: { id: '48af03ac28ad4fb88478', active: false } }]);
    expect(result.resource).toMatchObject({ id: '48af03ac28ad4fb88478', active: false });
  });
});

describe('applyPatch: group membership', () => {
  it('reports added members (Microsoft "Update Group [Add Members]") without loading members', () => {
    const group = entraGroup();
    const result = patch(group, [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] }]);
    expect(result.members).toEqual({ removeAll: false, added: ['f648f8d5ea4e4cd38e9c'], removed: [] });
    expect(result.resource).toEqual(group);
    expect(result.changed).toBe(true);
  });

  it.each([
    ['without aadOptscim062020 (value array)', { op: 'Remove', path: 'members', value: [{ value: 'u1091' }] }],
    ['with aadOptscim062020 (filter)', { op: 'remove', path: 'members[value eq "u1091"]' }],
    ['Microsoft tutorial form', { op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1091' }] }],
  ])('removes only the listed member %s', (_, operation) => {
    const result = patch(entraGroup(), [operation]);
    expect(result.members).toEqual({ removeAll: false, added: [], removed: ['u1091'] });
  });

  it('removes several members named by an or-filter', () => {
    const result = patch(entraGroup(), [{ op: 'remove', path: 'members[value eq "a" or value eq "b"]' }]);
    expect(result.members.removed).toEqual(['a', 'b']);
  });

  it('removes all members when remove has no value', () => {
    const result = patch(entraGroup(), [{ op: 'Remove', path: 'members' }]);
    expect(result.members).toEqual({ removeAll: true, added: [], removed: [] });
  });

  it('replaces the membership', () => {
    const result = patch(entraGroup(), [{ op: 'replace', path: 'members', value: [{ value: 'a' }, { value: 'b' }] }]);
    expect(result.members).toEqual({ removeAll: true, added: ['a', 'b'], removed: [] });
  });

  it('adds members from a path-less add', () => {
    const result = patch(entraGroup(), [{ op: 'add', value: { members: [{ value: 'a' }] } }]);
    expect(result.members.added).toEqual(['a']);
  });

  it('folds a sequence of operations into one delta', () => {
    const result = patch(entraGroup(), [
      { op: 'Add', path: 'members', value: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] },
      { op: 'Remove', path: 'members', value: [{ value: 'b' }, { value: 'x' }] },
      { op: 'Add', path: 'members', value: [{ value: 'x' }] },
    ]);
    expect(result.members).toEqual({ removeAll: false, added: ['a', 'c', 'x'], removed: ['b'] });
  });

  it('keeps only what follows a remove-all', () => {
    const result = patch(entraGroup(), [
      { op: 'Add', path: 'members', value: [{ value: 'a' }] },
      { op: 'Remove', path: 'members' },
      { op: 'Add', path: 'members', value: [{ value: 'b' }] },
      { op: 'Remove', path: 'members[value eq "z"]' },
    ]);
    expect(result.members).toEqual({ removeAll: true, added: ['b'], removed: [] });
  });

  it('keeps loaded members in step with the delta', () => {
    const group = entraGroup(['a', 'b']);
    const added = patch(group, [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'c' }, { value: 'a' }] }]);
    expect(added.resource.members).toEqual([{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
    const removed = patch(group, [{ op: 'remove', path: 'members[value eq "a"]' }]);
    expect(removed.resource.members).toEqual([{ value: 'b' }]);
    expect(patch(group, [{ op: 'remove', path: 'members' }]).resource).not.toHaveProperty('members');
  });

  it('evaluates any filter against loaded members, but only value eq without them', () => {
    const group = { ...entraGroup(), members: [{ value: 'a', display: 'Ann' }, { value: 'b', display: 'Bob' }] };
    const result = patch(group, [{ op: 'remove', path: 'members[display sw "b"]' }]);
    expect(result.members.removed).toEqual(['b']);
    expect(result.resource.members).toEqual([{ value: 'a', display: 'Ann' }]);
    expect(rejection(entraGroup(), [{ op: 'remove', path: 'members[display sw "b"]' }]).scimType).toBe('invalidFilter');
  });

  it('renames the group alongside (Microsoft "Update Group [Non-member attributes]")', () => {
    const result = patch(entraGroup(), [
      { op: 'Replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' },
    ]);
    expect(result.resource.displayName).toBe('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');
    expect(result.members).toEqual(NO_MEMBER_CHANGES);
  });

  it('refuses malformed member operations', () => {
    expect(rejection(entraGroup(), [{ op: 'Add', path: 'members', value: [{ display: 'no id' }] }]).scimType).toBe('invalidValue');
    expect(rejection(entraGroup(), [{ op: 'Add', path: 'members', value: [{ value: '' }] }]).scimType).toBe('invalidValue');
    expect(rejection(entraGroup(), [{ op: 'add', path: 'members[value eq "a"]', value: { value: 'a' } }]).scimType).toBe('invalidPath');
    expect(rejection(entraGroup(), [{ op: 'replace', path: 'members.display', value: 'x' }]).scimType).toBe('invalidPath');
  });

  it('treats members as a plain attribute when told the resource has none', () => {
    const result = patch({ id: 'x', members: [] }, [{ op: 'add', path: 'members', value: [{ value: 'a' }] }], { membersAttribute: null });
    expect(result.resource.members).toEqual([{ value: 'a' }]);
    expect(result.members).toEqual(NO_MEMBER_CHANGES);
  });
});
