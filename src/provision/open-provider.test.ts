import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.js';
import { LocalProvider } from './local/local-provider.js';
import { openProvider } from './open-provider.js';
import { SlurmProvider } from './slurm/slurm-provider.js';

describe('openProvider', () => {
  it('opens the local and Slurm adapters', () => {
    expect(openProvider('local')).toBeInstanceOf(LocalProvider);
    expect(openProvider('slurm', { slurm: { env: { SLURM_CONF: '/x' } } })).toBeInstanceOf(SlurmProvider);
    expect(openProvider('slurm').type).toBe('slurm');
  });

  it('says plainly that AWS is not there yet', () => {
    expect(() => openProvider('aws')).toThrow(ValidationError);
    expect(() => openProvider('aws')).toThrow('type: the aws provider is not available yet');
  });
});
