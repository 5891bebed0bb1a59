import { describe, expect, it } from 'vitest';
import { ScimError, toScimErrorBody } from './errors';
import { parseFilter } from './parse-filter';

describe('ScimError / toScimErrorBody', () => {
  it('is an Error with status and scimType', () => {
    const err = new ScimError(409, 'userName "ann" is taken', 'uniqueness');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ScimError');
    expect(err.status).toBe(409);
    expect(err.scimType).toBe('uniqueness');
  });

  it('produces the RFC 7644 §3.12 body with status as a string', () => {
    expect(toScimErrorBody(new ScimError(400, 'Invalid filter at position 9: unknown operator "equals"', 'invalidFilter'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'Invalid filter at position 9: unknown operator "equals"',
    });
    expect(JSON.stringify(toScimErrorBody(new ScimError(400, 'x', 'invalidFilter')))).toBe(
      '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidFilter","detail":"x"}',
    );
  });

  it('leaves scimType out when there is none (404)', () => {
    expect(toScimErrorBody(new ScimError(404, 'Resource 5171a35d not found'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'Resource 5171a35d not found',
    });
  });

  it('maps a parser failure straight through', () => {
    let body;
    try {
      parseFilter('userName eq "unterminated');
    } catch (err) {
      body = toScimErrorBody(err);
    }
    expect(body).toMatchObject({ status: '400', scimType: 'invalidFilter', detail: expect.stringMatching(/unterminated string/) });
  });

  it('hides the message of unexpected errors behind a 500', () => {
    expect(toScimErrorBody(new Error('relation "scim_users" does not exist'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '500',
      detail: 'Internal server error',
    });
    expect(toScimErrorBody('a thrown string').status).toBe('500');
  });
});
