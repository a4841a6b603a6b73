/**
 * torc's workflow actions (WorkflowActionSpec): when (`trigger_type`) to do what
 * (`action_type`). Job triggers select their jobs by `jobs` and `job_name_regexes`, resolved
 * to job keys when the bundle is built (resolve-actions.ts). Worker triggers
 * (`on_worker_start`, `on_worker_complete`) are accepted and stored; workers run them, once
 * per worker.
 *
 * Fields that only one action type reads are refused on the other (`commands` on
 * schedule_nodes, `scheduler` on run_commands): torc ignores them silently, which hides a
 * mistake such as an action that was meant to be the other kind.
 */
import { z } from 'zod';
import { ACTION_TRIGGERS, ACTION_TYPES, SCHEDULER_TYPES } from '../core/model.js';
import { list, name, names, optional, positiveInt, present, regexes } from './schema-helpers.js';
import { MAX_TEXT_LENGTH, TEXT_TOO_LONG } from '../core/schemas/string-limits.js';

/** Worker lifecycle triggers: they fire per worker, not once per workflow. */
export const WORKER_TRIGGERS = ['on_worker_start', 'on_worker_complete'] as const;
/** Every trigger a spec may name: the workflow and job triggers of ActionDoc, and the worker ones. */
export const SPEC_ACTION_TRIGGERS = [...ACTION_TRIGGERS, ...WORKER_TRIGGERS] as const;
export type SpecActionTrigger = (typeof SPEC_ACTION_TRIGGERS)[number];
/** Triggers that wait for jobs: they need `jobs` or `job_name_regexes`. */
export const JOB_TRIGGERS: ReadonlySet<SpecActionTrigger> = new Set(['on_jobs_ready', 'on_jobs_complete']);

const SCHEDULE_NODES_FIELDS = [
  'scheduler',
  'scheduler_type',
  'num_allocations',
  'start_one_worker_per_node',
  'max_parallel_jobs',
] as const;

export const actionSpecSchema = z
  .strictObject({
    trigger_type: z.enum(SPEC_ACTION_TRIGGERS),
    action_type: z.enum(ACTION_TYPES),
    /** Job names (after parameter expansion). */
    jobs: names,
    /** Matched like torc's Rust `Regex::is_match`: anywhere in the name (add `^…$` to anchor). */
    job_name_regexes: regexes,
    commands: optional(list(z.string().min(1, 'must be a non-empty command').max(MAX_TEXT_LENGTH, TEXT_TOO_LONG))),
    scheduler: optional(name),
    /** Must be the named scheduler's type; @default the scheduler's type */
    scheduler_type: optional(z.enum(SCHEDULER_TYPES)),
    /** @default 1 (schedule_nodes) */
    num_allocations: optional(positiveInt),
    start_one_worker_per_node: optional(z.boolean()),
    max_parallel_jobs: optional(positiveInt),
    persistent: optional(z.boolean()),
  })
  .transform((action, ctx) => {
    const issue = (path: string | undefined, message: string) =>
      ctx.addIssue({ code: 'custom', path: path === undefined ? [] : [path], message });
    if (JOB_TRIGGERS.has(action.trigger_type) && !action.jobs?.length && !action.job_name_regexes?.length)
      issue(undefined, `${action.trigger_type} needs "jobs" or "job_name_regexes": the jobs it waits for`);
    if (action.action_type === 'run_commands') {
      if (!action.commands?.length) issue('commands', 'run_commands needs at least one command');
      for (const field of SCHEDULE_NODES_FIELDS)
        if (action[field] !== undefined) issue(field, 'only for action_type schedule_nodes');
      return present(action);
    }
    if (action.scheduler === undefined)
      issue(
        'scheduler',
        'schedule_nodes needs the name of a scheduler (slurm_schedulers, local_schedulers or aws_schedulers)',
      );
    if (action.commands !== undefined) issue('commands', 'only for action_type run_commands');
    return present({ ...action, num_allocations: action.num_allocations ?? 1 });
  });
export type ActionSpec = z.output<typeof actionSpecSchema>;
