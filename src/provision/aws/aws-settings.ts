/**
 * The `aws` scheduler's own settings, read from its scheduler document (built from the spec's
 * `aws_schedulers` entries): checked here, at the edge, so the rest of the adapter works with
 * typed, defaulted values. Every problem names its field as `aws_schedulers.NAME.field`.
 */
import { z } from 'zod';
import type { SchedulerDoc } from '../../core/model.js';
import { parseOrThrow } from '../../core/zod-issues.js';
import { REGION_NAME } from './provider-id.js';

export const MARKETS = ['spot', 'on-demand', 'spot-then-on-demand'] as const;
export type Market = (typeof MARKETS)[number];

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const positivePrice = z.number().positive().finite();

const AwsSettingsSchema = z
  .object({
    _key: z.string().min(1),
    workflow: z.string().min(1),
    name: z.string().min(1),
    type: z.literal('aws'),
    /** Instances per allocation. @default 1 */
    nodes: positiveInt.default(1),
    /** Lifetime cap of an instance in seconds: it shuts itself down then. */
    walltime_s: positiveInt.optional(),
    /** @default the provider's region (options, then AWS_REGION / profile) */
    region: z.string().regex(REGION_NAME, 'must be a region name such as us-east-1').optional(),
    /** Instance types to choose from; absent: every type that fits the minimums. */
    instance_types: z.array(z.string().min(1)).min(1).optional(),
    min_cpus: positiveInt.optional(),
    min_memory_bytes: positiveInt.optional(),
    min_gpus: nonNegativeInt.optional(),
    /** @default 'spot-then-on-demand' */
    market: z.enum(MARKETS).default('spot-then-on-demand'),
    /** Most instances of this scheduler alive at once. */
    max_instances: nonNegativeInt.optional(),
    /** Most USD per instance-hour. */
    max_price: positivePrice.optional(),
    subnets: z
      .array(z.string().regex(/^subnet-[0-9a-f]+$/, 'must be a subnet id (subnet-…)'))
      .min(1)
      .optional(),
    security_groups: z.array(z.string().regex(/^sg-[0-9a-f]+$/, 'must be a security group id (sg-…)')).optional(),
    key_name: z.string().min(1).optional(),
    /** Instance profile name or ARN (the role the instances run as). */
    instance_profile: z.string().min(1).optional(),
    ami: z
      .string()
      .regex(/^ami-[0-9a-f]+$/, 'must be an AMI id (ami-…)')
      .optional(),
    /** An SSM parameter holding the AMI id (e.g. `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`). */
    ami_ssm_parameter: z.string().min(1).optional(),
    user_data_template: z.string().min(1).optional(),
    /** A worker with nothing to do exits (and its instance shuts down) after this many seconds. */
    idle_timeout_s: positiveInt.optional(),
    /** USD per instance-hour on demand, as the user knows it: recorded for cost (EC2 has no price API). */
    on_demand_price: positivePrice.optional(),
    max_allocations: positiveInt.optional(),
  })
  .superRefine((s, ctx) => {
    if (!s.ami && !s.ami_ssm_parameter) {
      ctx.addIssue({ code: 'custom', path: ['ami'], message: 'set ami or ami_ssm_parameter' });
    }
    if (s.ami && s.ami_ssm_parameter) {
      ctx.addIssue({ code: 'custom', path: ['ami_ssm_parameter'], message: 'set ami or ami_ssm_parameter, not both' });
    }
    if (s.max_instances !== undefined && s.max_instances < s.nodes) {
      ctx.addIssue({
        code: 'custom',
        path: ['max_instances'],
        message: `is ${s.max_instances}: fewer than the ${s.nodes} instance(s) one allocation needs`,
      });
    }
    if (s.market === 'on-demand' && s.max_price !== undefined && s.on_demand_price !== undefined) {
      if (s.on_demand_price > s.max_price) {
        ctx.addIssue({
          code: 'custom',
          path: ['max_price'],
          message: `is ${s.max_price} USD/h, below the on_demand_price ${s.on_demand_price} of an on-demand market`,
        });
      }
    }
  });

/** An `aws` scheduler's settings, checked and defaulted. */
export type AwsSettings = z.output<typeof AwsSettingsSchema>;

/** The field path prefix of a scheduler's settings in the spec. */
export function settingsPath(scheduler: Pick<SchedulerDoc, 'name'>): string {
  return `aws_schedulers.${scheduler.name}`;
}

/**
 * Read an `aws` scheduler document's settings.
 * @throws ValidationError naming each bad field as `aws_schedulers.NAME.field`
 */
export function parseAwsSettings(scheduler: SchedulerDoc): AwsSettings {
  // Provider fields are kept beside the normalized ones as the user wrote them; the document
  // type does not list them, so it is read as the plain object it is.
  return parseOrThrow(AwsSettingsSchema, scheduler as unknown, settingsPath(scheduler));
}
