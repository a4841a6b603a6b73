import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.js';
import { AwsProvider } from './aws/aws-provider.js';
import { LocalProvider } from './local/local-provider.js';
import { openProvider } from './open-provider.js';
import { SlurmProvider } from './slurm/slurm-provider.js';

describe('openProvider', () => {
  it('opens the local, Slurm and AWS adapters', async () => {
    expect(openProvider('local')).toBeInstanceOf(LocalProvider);
    expect(openProvider('slurm', { slurm: { env: { SLURM_CONF: '/x' } } })).toBeInstanceOf(SlurmProvider);
    expect(openProvider('slurm').type).toBe('slurm');
    const aws = openProvider('aws', { aws: { region: 'us-east-1' } });
    expect(aws).toBeInstanceOf(AwsProvider);
    await aws.close();
  });

  it('names the types there are when given another', () => {
    expect(() => openProvider('gcp' as never)).toThrow(ValidationError);
    expect(() => openProvider('gcp' as never)).toThrow('unknown scheduler type "gcp" (one of local, slurm, aws)');
  });
});
