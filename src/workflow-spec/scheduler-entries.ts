/**
 * The three scheduler lists of a spec as one list, in the order the bundle numbers them
 * (`slurm_schedulers`, then `local_schedulers`, then `aws_schedulers`; keys `${wf}-s<n>`),
 * each with the body of its `schedulers` document.
 */
import type { SchedulerType } from '../core/model.js';
import type { WorkflowSpec } from './spec-schema.js';

/** One scheduler of the spec, whatever its list. */
export interface SchedulerEntry {
  name: string;
  /** Spec path of its definition (`aws_schedulers[0]`). */
  path: string;
  type: SchedulerType;
  /**
   * The document body (SchedulerDoc without `_key`, `_id`, `workflow`): name, type, the
   * normalized `nodes` / `walltime_s` / `max_allocations`, and the provider's settings as
   * written, parsed sizes and durations beside them; Slurm ones carry the workflow's
   * `slurm_defaults` as `sbatch_defaults`.
   */
  body: Record<string, unknown> & { name: string; type: SchedulerType; nodes: number };
}

export function schedulerEntries(spec: WorkflowSpec): SchedulerEntry[] {
  const entries: SchedulerEntry[] = [];
  const add = (
    type: SchedulerType,
    list: string,
    items: Array<{ name: string; nodes: number }>,
    extra: () => Record<string, unknown> = () => ({}),
  ) =>
    items.forEach(({ name, ...settings }, i) =>
      entries.push({ name, path: `${list}[${i}]`, type, body: { name, type, ...settings, ...extra() } }),
    );
  // A copy per document, so that no two documents share (and a store never aliases) one object.
  const defaults = spec.slurm_defaults;
  add('slurm', 'slurm_schedulers', spec.slurm_schedulers, () => (defaults ? { sbatch_defaults: { ...defaults } } : {}));
  add('local', 'local_schedulers', spec.local_schedulers);
  add('aws', 'aws_schedulers', spec.aws_schedulers);
  return entries;
}
