import { describe, expect, it } from 'vitest';
import { caCapsResponse } from './ca-caps';

describe('caCapsResponse', () => {
  it('lists one capability per line as text/plain', () => {
    const { body, contentType } = caCapsResponse();
    expect(contentType).toBe('text/plain');
    expect(body.split('\n').filter(Boolean)).toEqual(['POSTPKIOperation', 'SHA-256', 'SHA-1', 'AES', 'DES3', 'SCEPStandard', 'Renewal']);
    expect(body.endsWith('\n')).toBe(true);
    expect(body).not.toContain('\r');
  });

  it('can leave Renewal out', () => {
    expect(caCapsResponse({ renewal: false }).body).not.toContain('Renewal');
  });
});
