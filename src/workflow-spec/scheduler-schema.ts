/**
 * The three scheduler lists of a spec and `slurm_defaults`. They share one namespace (a job's
 * or an action's `scheduler:` may name any of them; see scheduler-entries.ts).
 *
 * - `slurm_schedulers` (torc's fields) are validated where jobgraph reads them and otherwise
 *   kept as written: every field goes into the scheduler document for the Slurm provider,
 *   which turns them into sbatch options. A missing `account` is not an error here: the
 *   provider checks it at submission, where `slurm_defaults` or a flag can supply it.
 * - `local_schedulers` and `aws_schedulers` are jobgraph's own and strict: an unknown field
 *   is an error naming the closest known one.
 */
import { z } from 'zod';
import {
  list,
  mapping,
  name,
  optional,
  parseUnit,
  positiveInt,
  present,
  strictObjectWithSuggestions,
  withDefault,
} from './schema-helpers.js';

const walltime = optional(z.union([z.string(), z.number()]));
const size = optional(z.union([z.string(), z.number()]));
const text = optional(z.string());
const texts = optional(list(z.string().min(1, 'must be a non-empty string')));

/**
 * Fields of a scheduler document that jobgraph sets; a spec that writes one would overwrite
 * the document's identity or its normalized part, so it is refused rather than ignored.
 */
const RESERVED_FIELDS = ['_key', '_id', '_from', '_to', 'workflow', 'type', 'walltime_s', 'sbatch_defaults'];

function rejectReserved(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const key of RESERVED_FIELDS)
    if (key in value) ctx.addIssue({ code: 'custom', path: [key], message: 'is set by jobgraph, not by the spec' });
}

export const slurmSchedulerSpecSchema = z
  .looseObject({
    name,
    account: text,
    partition: text,
    qos: text,
    gres: text,
    nodes: withDefault(positiveInt, 1),
    /** Slurm's `HH:MM:SS`, `D-HH:MM:SS`, … or ISO 8601; parsed into `walltime_s`. */
    walltime,
    mem: size,
    ntasks_per_node: optional(positiveInt),
    tmp: size,
    extra: text,
    /** jobgraph extension: most allocations of this scheduler alive at once. */
    max_allocations: optional(positiveInt),
  })
  .superRefine(rejectReserved)
  .transform((s, ctx) => {
    const walltime_s = parseUnit(ctx, 'walltime', s.walltime, 'walltime');
    return present({ ...s, walltime_s });
  });
export type SlurmSchedulerSpec = z.output<typeof slurmSchedulerSpecSchema>;

/**
 * sbatch options torc manages per scheduler and refuses as workflow-wide defaults
 * (torc's SLURM_EXCLUDED_PARAMS); `account` is allowed.
 */
export const SLURM_PER_SCHEDULER_OPTIONS = [
  'partition',
  'nodes',
  'walltime',
  'time',
  'mem',
  'gres',
  'name',
  'job-name',
];

/**
 * `slurm_defaults` (torc's SlurmDefaultsSpec): sbatch long options without the leading `--`
 * → value, applied to every Slurm scheduler of the workflow; a scheduler's own fields win
 * over them (torc applies the defaults first, then the scheduler's fields).
 */
export const slurmDefaultsSchema = mapping(z.union([z.string(), z.number(), z.boolean()])).superRefine(
  (defaults, ctx) => {
    for (const key of Object.keys(defaults)) {
      if (key.startsWith('-'))
        ctx.addIssue({ code: 'custom', path: [key], message: 'write the sbatch option without the leading "--"' });
      else if (SLURM_PER_SCHEDULER_OPTIONS.includes(key.toLowerCase()))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `"${key}" is set per scheduler (in slurm_schedulers), not in slurm_defaults (${SLURM_PER_SCHEDULER_OPTIONS.join(', ')} are)`,
        });
    }
  },
);
export type SlurmDefaults = z.output<typeof slurmDefaultsSchema>;

/** jobgraph extension: worker processes on this machine (laptops, tests). Absent sizes: the machine's. */
export const localSchedulerSpecSchema = strictObjectWithSuggestions({
  name,
  num_cpus: optional(positiveInt),
  memory: size,
  num_gpus: optional(z.number().int().nonnegative()),
  /** Worker processes per allocation. */
  nodes: withDefault(positiveInt, 1),
  walltime,
  max_allocations: optional(positiveInt),
}).transform((s, ctx) => {
  const memory_bytes = parseUnit(ctx, 'memory', s.memory, 'memory');
  const walltime_s = parseUnit(ctx, 'walltime', s.walltime, 'walltime');
  return present({ ...s, memory: s.memory === undefined ? undefined : String(s.memory), memory_bytes, walltime_s });
});
export type LocalSchedulerSpec = z.output<typeof localSchedulerSpecSchema>;

export const AWS_MARKETS = ['spot', 'on-demand', 'spot-then-on-demand'] as const;

/** jobgraph extension: EC2 instances, Spot or on-demand (decision 0008). */
export const awsSchedulerSpecSchema = strictObjectWithSuggestions({
  name,
  region: text,
  /** Instance types to choose from; absent: chosen from min_cpus / min_memory / min_gpus. */
  instance_types: optional(
    list(z.string().min(1, 'must be a non-empty string')).refine((l) => l.length > 0, 'must not be empty'),
  ),
  min_cpus: optional(positiveInt),
  min_memory: size,
  min_gpus: optional(z.number().int().nonnegative()),
  market: withDefault(z.enum(AWS_MARKETS), 'spot-then-on-demand'),
  max_instances: optional(positiveInt),
  /** USD per instance-hour. */
  max_price: optional(z.number().positive()),
  subnets: texts,
  security_groups: texts,
  key_name: text,
  instance_profile: text,
  ami: text,
  ami_ssm_parameter: text,
  user_data_template: text,
  /** An instance with nothing to do for this long is released; parsed into `idle_timeout_s`. */
  idle_timeout: optional(z.union([z.string(), z.number()])),
  /** Lifetime of one allocation. */
  walltime,
  /** Instances per allocation. */
  nodes: withDefault(positiveInt, 1),
  /** USD per instance-hour, for cost estimates when the price list cannot be read. */
  on_demand_price: optional(z.number().positive()),
  max_allocations: optional(positiveInt),
}).transform((s, ctx) => {
  if (s.ami !== undefined && s.ami_ssm_parameter !== undefined)
    ctx.addIssue({ code: 'custom', path: ['ami_ssm_parameter'], message: 'give ami or ami_ssm_parameter, not both' });
  const min_memory_bytes = parseUnit(ctx, 'min_memory', s.min_memory, 'memory');
  const idle_timeout_s = parseUnit(ctx, 'idle_timeout', s.idle_timeout, 'duration');
  const walltime_s = parseUnit(ctx, 'walltime', s.walltime, 'walltime');
  return present({ ...s, min_memory_bytes, idle_timeout_s, walltime_s });
});
export type AwsSchedulerSpec = z.output<typeof awsSchedulerSpecSchema>;
