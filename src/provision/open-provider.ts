/** The composition root of the providers: one adapter per scheduler type. */
import { ValidationError } from '../core/errors.js';
import { SCHEDULER_TYPES, type SchedulerType } from '../core/model.js';
import { AwsProvider, type AwsProviderOptions } from './aws/aws-provider.js';
import { LocalProvider, type LocalProviderOptions } from './local/local-provider.js';
import type { ComputeProvider } from './provider.js';
import { SlurmProvider, type SlurmProviderOptions } from './slurm/slurm-provider.js';

/** Each adapter's own options, by scheduler type. */
export interface OpenProviderOptions {
  local?: LocalProviderOptions;
  slurm?: SlurmProviderOptions;
  aws?: AwsProviderOptions;
}

/**
 * The provider for schedulers of `type`.
 * @throws ValidationError for a type with no adapter (yet)
 */
export function openProvider(type: SchedulerType, options: OpenProviderOptions = {}): ComputeProvider {
  switch (type) {
    case 'local':
      return new LocalProvider(options.local);
    case 'slurm':
      return new SlurmProvider(options.slurm);
    case 'aws':
      return new AwsProvider(options.aws);
    default:
      throw new ValidationError([
        { path: 'type', message: `unknown scheduler type "${String(type)}" (one of ${SCHEDULER_TYPES.join(', ')})` },
      ]);
  }
}
