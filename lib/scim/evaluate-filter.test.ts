import { describe, expect, it } from 'vitest';
import { evaluateFilter } from './evaluate-filter';
import { parseFilter } from './parse-filter';
import { SCIM_SCHEMAS } from './schemas';

const user = {
  schemas: [SCIM_SCHEMAS.coreUser, SCIM_SCHEMAS.enterpriseUser],
  userName: 'Ann@Contoso.com',
  active: true,
  title: '',
  loginCount: 3,
  name: { givenName: 'Ann', familyName: 'Archer' },
  emails: [
    { type: 'work', value: 'ann@contoso.com', primary: true },
    { type: 'home', value: 'ann@home.example' },
  ],
  [SCIM_SCHEMAS.enterpriseUser]: { department: 'R&D' },
};

const matches = (filter: string) => evaluateFilter(user, parseFilter(filter));

describe('evaluateFilter', () => {
  it.each([
    ['userName eq "ann@contoso.com"', true],
    ['userName ne "ann@contoso.com"', false],
    ['userName sw "ANN@"', true],
    ['userName ew ".org"', false],
    ['name.givenName co "n"', true],
    ['active eq true', true],
    ['active eq "True"', true],
    ['loginCount gt 2 and loginCount le 3', true],
    ['title pr', false],
    ['nickName pr', false],
    ['nickName ne "x"', true],
    ['nickName eq null', true],
    ['userName eq null', false],
    ['not (userName eq "x")', true],
    ['emails[type eq "work" and value co "@contoso"]', true],
    ['emails[type eq "home" and primary eq true]', false],
    ['emails.value ew "home.example"', true],
    ['emails eq "ann@home.example"', true],
    ['name eq "Ann"', false],
    ['emails pr', true],
    [`${SCIM_SCHEMAS.enterpriseUser}:department eq "r&d"`, true],
    [`${SCIM_SCHEMAS.coreUser}:userName eq "ann@contoso.com"`, true],
    ['urn:example:custom:1.0:User:badge pr', false],
    ['USERNAME EQ "ANN@CONTOSO.COM" or active eq false', true],
  ])('%s → %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });
});
