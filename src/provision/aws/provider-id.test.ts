import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { formatProviderId, parseProviderId, requireProviderId } from './provider-id.js';

describe('aws provider ids', () => {
  it('round-trips region and sorted instance ids', () => {
    const id = formatProviderId({ region: 'eu-west-1', instanceIds: ['i-0bbbbbbbbbbbbbbbb', 'i-0aaaaaaaaaaaaaaaa'] });
    expect(id).toBe('eu-west-1:i-0aaaaaaaaaaaaaaaa,i-0bbbbbbbbbbbbbbbb');
    expect(parseProviderId(id)).toEqual({
      region: 'eu-west-1',
      instanceIds: ['i-0aaaaaaaaaaaaaaaa', 'i-0bbbbbbbbbbbbbbbb'],
    });
    expect(parseProviderId('us-gov-west-1:i-12345678')?.region).toBe('us-gov-west-1');
  });

  it('rejects what is not one of ours', () => {
    for (const bad of ['12345', 'i-0aaaaaaaa', 'us-east-1:', 'us-east-1:fleet-1', 'US:i-12345678', ':i-12345678']) {
      expect(parseProviderId(bad)).toBeUndefined();
    }
    expect(() => requireProviderId('12345')).toThrow(ValidationError);
  });
});
