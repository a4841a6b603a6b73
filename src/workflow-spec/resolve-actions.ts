/**
 * Resolution of workflow actions after parameter expansion: `jobs` and `job_name_regexes`
 * become job indices, `scheduler` the index of a scheduler of any of the three lists, whose
 * type `scheduler_type` must match.
 */
import type { FieldIssue } from '../core/errors.js';
import type { SchedulerType } from '../core/model.js';
import type { ActionSpec } from './action-schema.js';
import type { Namespace } from './name-index.js';
import { compileNameRegex } from './name-regex.js';
import type { SchedulerEntry } from './scheduler-entries.js';

export interface ResolvedAction {
  action: ActionSpec;
  /** Spec path of the action (`actions[2]`). */
  path: string;
  /** Selected jobs, deduplicated, in spec order (after expansion); empty when the action names none. */
  jobs: number[];
  /** schedule_nodes: index into the scheduler entries. */
  scheduler?: number;
  scheduler_type?: SchedulerType;
}

/**
 * Resolve every action's jobs and scheduler; problems are pushed to `issues` with their path
 * (`actions[1].job_name_regexes[0]: regex "train_.*" matches no job`).
 */
export function resolveActions(
  actions: ActionSpec[],
  jobs: Namespace,
  schedulers: Namespace,
  entries: SchedulerEntry[],
  issues: FieldIssue[],
): ResolvedAction[] {
  return actions.map((action, a) => {
    const path = `actions[${a}]`;
    const selected = new Set<number>();
    action.jobs?.forEach((name, k) => {
      const i = jobs.index.get(name);
      if (i === undefined) issues.push({ path: `${path}.jobs[${k}]`, message: `no job named "${name}"` });
      else selected.add(i);
    });
    action.job_name_regexes?.forEach((source, k) => {
      // Unanchored, as torc's Rust `Regex::is_match`: "train_" selects "pre_train_1" too.
      const re = compileNameRegex(source, 'anywhere');
      let matched = 0;
      jobs.names.forEach((name, i) => {
        if (re.test(name)) {
          selected.add(i);
          matched++;
        }
      });
      if (matched === 0)
        issues.push({ path: `${path}.job_name_regexes[${k}]`, message: `regex "${source}" matches no job` });
    });
    const resolved: ResolvedAction = { action, path, jobs: [...selected].sort((x, y) => x - y) };
    if (action.scheduler === undefined) return resolved;
    const s = schedulers.index.get(action.scheduler);
    if (s === undefined) {
      issues.push({ path: `${path}.scheduler`, message: `no scheduler named "${action.scheduler}"` });
      return resolved;
    }
    const entry = entries[s]!;
    if (action.scheduler_type !== undefined && action.scheduler_type !== entry.type)
      issues.push({
        path: `${path}.scheduler_type`,
        message: `scheduler "${entry.name}" is a ${entry.type} scheduler (${entry.path}), not ${action.scheduler_type}`,
      });
    return { ...resolved, scheduler: s, scheduler_type: entry.type };
  });
}
