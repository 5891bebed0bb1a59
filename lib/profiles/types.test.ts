import { describe, expect, it } from 'vitest';
import { buildMobileconfig } from './mobileconfig';
import { FleetProfileInputError, resolveProfileInput } from './resolve-input';
import { fleetProfileInput, ROOT_SHA1_HEX, ROOT_SHA256_HEX } from './testdata/fixtures';
import { validateCaName } from './types';

describe('validateCaName', () => {
  it.each(['SMALLSTEP_AGENT', 'tessera', 'A', 'ca_2', '_', 'X'.repeat(64)])('accepts %s', (name) => {
    expect(validateCaName(name)).toBeNull();
  });

  it.each([
    ['', 'required'],
    ['X'.repeat(65), 'at most 64'],
    ['SMALLSTEP-AGENT', 'letters, digits and underscores'],
    ['has space', 'letters, digits and underscores'],
    ['DOLLAR$', 'letters, digits and underscores'],
    ['CAFÉ', 'letters, digits and underscores'],
    ['NAME\n', 'letters, digits and underscores'],
  ])('rejects %j', (name, message) => {
    expect(validateCaName(name)).toContain(message);
  });
});

describe('resolveProfileInput', () => {
  it('derives the root hashes and the Fleet variable names', () => {
    const resolved = resolveProfileInput(fleetProfileInput());
    expect(resolved.rootSha256Hex).toBe(ROOT_SHA256_HEX);
    expect(resolved.rootSha1Hex).toBe(ROOT_SHA1_HEX);
    expect(resolved.windowsThumbprintHex).toBe(ROOT_SHA256_HEX.toUpperCase());
    expect(resolved.vars.scepChallenge).toBe('$FLEET_VAR_SMALLSTEP_SCEP_CHALLENGE_TESSERA_AGENT');
    expect(resolved.vars.scepProxyUrl).toBe('$FLEET_VAR_SMALLSTEP_SCEP_PROXY_URL_TESSERA_AGENT');
  });

  it('accepts the fingerprint as openssl prints it (uppercase, colons)', () => {
    const colonHex = ROOT_SHA256_HEX.toUpperCase().match(/../g)!.join(':');
    expect(() => resolveProfileInput(fleetProfileInput({ rootFingerprintSha256: colonHex }))).not.toThrow();
  });

  it('refuses a fingerprint that is not the root’s', () => {
    expect(() => resolveProfileInput(fleetProfileInput({ rootFingerprintSha256: 'ab'.repeat(32) }))).toThrow(
      /rootFingerprintSha256/,
    );
    expect(() => resolveProfileInput(fleetProfileInput({ rootFingerprintSha256: ROOT_SHA1_HEX }))).toThrow(
      FleetProfileInputError,
    );
  });

  it('refuses input the generators cannot use', () => {
    expect(() => resolveProfileInput(fleetProfileInput({ rootCaPem: 'not a pem' }))).toThrow(/rootCaPem/);
    expect(() => resolveProfileInput(fleetProfileInput({ scepUrl: '/scep/relative' }))).toThrow(/scepUrl/);
    expect(() => resolveProfileInput(fleetProfileInput({ challengeUrl: 'ftp://x/y' }))).toThrow(/challengeUrl/);
    expect(() => resolveProfileInput(fleetProfileInput({ teamSlug: '  ' }))).toThrow(/teamSlug/);
    expect(() => buildMobileconfig(fleetProfileInput({ caName: 'BAD-NAME' }))).toThrow(/caName/);
  });
});
