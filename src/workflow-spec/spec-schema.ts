/**
 * The workflow spec ("JobDefinition" format, compatible with torc spec files) as zod schemas.
 * Schedulers are in scheduler-schema.ts, actions in action-schema.ts, shared pieces in
 * schema-helpers.ts.
 *
 * Unknown keys are errors at every level but `slurm_schedulers` entries (passed through to the
 * scheduler document): a typo such as `depend_on` must not be silently ignored.
 * `null` is accepted wherever a field is optional and means "absent" (torc specs write
 * `depends_on: null`). Defaults are applied here, in one place.
 */
import { z } from 'zod';
import { ResourceMonitorSettingsSchema } from '../core/schemas/resource-usage.js';
import { actionSpecSchema } from './action-schema.js';
import {
  awsSchedulerSpecSchema,
  localSchedulerSpecSchema,
  slurmDefaultsSchema,
  slurmSchedulerSpecSchema,
} from './scheduler-schema.js';
import {
  list,
  mapping,
  MAX_LIST_ISSUES,
  name,
  names,
  nonNegative,
  optional,
  parseUnit,
  positiveInt,
  regexes,
  withDefault,
} from './schema-helpers.js';
import { MAX_NAME_LENGTH, MAX_TEXT_LENGTH, NAME_TOO_LONG, TEXT_TOO_LONG } from '../core/schemas/string-limits.js';

/** Parameter names are identifiers so that `{name}` / `{name:03d}` placeholders can be recognised. */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const parameterScalar = z.union([z.string(), z.number(), z.boolean()]);
/** `"1:10"`, `"0:1:0.1"`, `"[a,b]"`, a scalar, or a real YAML/JSON array; parsed in parameter-values.ts. */
export const parameterValueSchema = z.union([
  parameterScalar,
  list(parameterScalar).refine((l) => l.length > 0, 'must not be empty'),
]);
export type ParameterValue = z.output<typeof parameterValueSchema>;

const parameters = optional(
  mapping(parameterValueSchema).superRefine((record, ctx) => {
    const bad = Object.keys(record).filter((key) => !PARAMETER_NAME.test(key));
    for (const key of bad.slice(0, MAX_LIST_ISSUES))
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'parameter names must be identifiers ([A-Za-z_][A-Za-z0-9_]*)',
      });
  }),
);
const parameterMode = withDefault(z.enum(['product', 'zip']), 'product');

export const jobSpecSchema = z
  .strictObject({
    name,
    command: z.string().max(MAX_TEXT_LENGTH, TEXT_TOO_LONG),
    invocation_script: optional(z.string().max(MAX_TEXT_LENGTH, TEXT_TOO_LONG)),
    resource_requirements: optional(name),
    failure_handler: optional(name),
    scheduler: optional(name),
    /** true unless set: torc's JobModel::new() defaults it to true (its reference doc says false). */
    cancel_on_blocking_job_failure: withDefault(z.boolean(), true),
    supports_termination: withDefault(z.boolean(), false),
    depends_on: names,
    /** Alias of `depends_on` (merged into it). */
    blocked_by: names,
    depends_on_regexes: regexes,
    input_files: names,
    input_files_regexes: regexes,
    /** torc's spelling of `input_files_regexes` (merged into it). */
    input_file_regexes: regexes,
    output_files: names,
    output_files_regexes: regexes,
    /** torc's spelling of `output_files_regexes` (merged into it). */
    output_file_regexes: regexes,
    input_user_data: names,
    input_user_data_regexes: regexes,
    output_user_data: names,
    output_user_data_regexes: regexes,
    parameters,
    parameter_mode: parameterMode,
    use_parameters: names,
  })
  .transform(({ blocked_by, input_file_regexes, output_file_regexes, ...job }) => {
    if (blocked_by) job.depends_on = [...(job.depends_on ?? []), ...blocked_by];
    if (input_file_regexes) job.input_files_regexes = [...(job.input_files_regexes ?? []), ...input_file_regexes];
    if (output_file_regexes) job.output_files_regexes = [...(job.output_files_regexes ?? []), ...output_file_regexes];
    return job;
  });
export type JobSpec = z.output<typeof jobSpecSchema>;

export const fileSpecSchema = z.strictObject({
  name,
  path: z.string().min(1, 'must be a non-empty string').max(MAX_TEXT_LENGTH, TEXT_TOO_LONG),
  parameters,
  parameter_mode: parameterMode,
  use_parameters: names,
});
export type FileSpec = z.output<typeof fileSpecSchema>;

/**
 * torc allows user data without a name (it can then be referenced by no job) and marks
 * scratch entries `is_ephemeral`; jobgraph stores the flag and does not act on it.
 */
export const userDataSpecSchema = z.strictObject({
  name: optional(name),
  is_ephemeral: optional(z.boolean()),
  data: z.unknown().optional(),
});
export type UserDataSpec = z.output<typeof userDataSpecSchema>;

export const resourceRequirementsSpecSchema = z
  .strictObject({
    name,
    num_cpus: withDefault(positiveInt, 1),
    memory: withDefault(z.union([z.string(), z.number()]), '1g'),
    num_gpus: withDefault(z.number().int().nonnegative(), 0),
    num_nodes: withDefault(positiveInt, 1),
    runtime: withDefault(z.union([z.string(), z.number()]), 'PT1H'),
  })
  .transform((r, ctx) => ({
    ...r,
    memory: String(r.memory),
    memory_bytes: parseUnit(ctx, 'memory', r.memory, 'memory') ?? 0,
    runtime: String(r.runtime),
    runtime_s: parseUnit(ctx, 'runtime', r.runtime, 'duration') ?? 0,
  }));
export type ResourceRequirementsSpec = z.output<typeof resourceRequirementsSpecSchema>;

export const failureHandlerRuleSchema = z.strictObject({
  exit_codes: withDefault(list(z.number().int()), []),
  match_all_exit_codes: withDefault(z.boolean(), false),
  recovery_script: optional(z.string().max(MAX_TEXT_LENGTH, TEXT_TOO_LONG)),
  max_retries: withDefault(z.number().int().nonnegative(), 3),
});
export const failureHandlerSpecSchema = z.strictObject({
  name,
  rules: list(failureHandlerRuleSchema),
});
export type FailureHandlerSpec = z.output<typeof failureHandlerSpecSchema>;

/**
 * Workflow-level settings, copied to the workflow document when given. The compute_node_* ones
 * (torc's) are for the workers of allocations; resource_monitor is read by the workers (per-job
 * monitoring and the memory limit, docs/resources.md); jobs_sort_method and use_pending_failed
 * are accepted so that torc specs load, and stored as given: jobgraph does not act on them.
 */
const workflowSettings = {
  slurm_defaults: optional(slurmDefaultsSchema),
  compute_node_expiration_buffer_seconds: optional(nonNegative),
  compute_node_wait_for_new_jobs_seconds: optional(nonNegative),
  compute_node_ignore_workflow_completion: optional(z.boolean()),
  compute_node_wait_for_healthy_database_minutes: optional(nonNegative),
  compute_node_min_time_for_new_jobs_seconds: optional(nonNegative),
  jobs_sort_method: optional(z.string()),
  use_pending_failed: optional(z.boolean()),
  resource_monitor: optional(ResourceMonitorSettingsSchema),
};
export const WORKFLOW_SETTINGS = Object.keys(workflowSettings) as Array<keyof typeof workflowSettings>;

export const workflowSpecSchema = z.strictObject({
  name,
  user: optional(z.string().max(MAX_NAME_LENGTH, NAME_TOO_LONG)),
  description: optional(z.string().max(MAX_TEXT_LENGTH, TEXT_TOO_LONG)),
  /** Shared parameters; a job or file uses them only by naming them in `use_parameters`. */
  parameters,
  jobs: withDefault(list(jobSpecSchema), []),
  files: withDefault(list(fileSpecSchema), []),
  user_data: withDefault(list(userDataSpecSchema), []),
  resource_requirements: withDefault(list(resourceRequirementsSpecSchema), []),
  failure_handlers: withDefault(list(failureHandlerSpecSchema), []),
  slurm_schedulers: withDefault(list(slurmSchedulerSpecSchema), []),
  local_schedulers: withDefault(list(localSchedulerSpecSchema), []),
  aws_schedulers: withDefault(list(awsSchedulerSpecSchema), []),
  actions: withDefault(list(actionSpecSchema), []),
  ...workflowSettings,
});

/** A validated spec with defaults applied; names are not resolved yet. */
export type WorkflowSpec = z.output<typeof workflowSpecSchema>;
