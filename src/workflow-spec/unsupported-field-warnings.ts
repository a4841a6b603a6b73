/**
 * Warnings for spec fields jobgraph accepts (so that torc specs load unchanged) but does not act
 * on yet: the spec is not refused for them, and the user is told, field by field, that asking
 * for the behaviour did nothing. Pure: it reads a validated spec and returns lines.
 *
 * Only settings that ask for something jobgraph would not do are named: a boolean left at
 * jobgraph's own behaviour (`is_ephemeral: false`, `supports_termination: false`) asks for
 * nothing, so it gets no warning. Fields that are acted on (the `compute_node_*` settings the
 * workers read, `slurm_defaults`, `resource_monitor.enabled`/`granularity`/
 * `sample_interval_seconds`/`memory_limit_factor`/`generate_plots`, actions' `run_commands` and `schedule_nodes`)
 * are never listed. When a field is acted on later, drop it here.
 */
import type { WorkflowSpec } from './spec-schema.js';

/** The words after each path: what the field's state is. */
const NOT_ACTED_ON = 'accepted, not acted on yet';

/** Most entry indexes named in one warning; the rest are counted. */
const MAX_INDEXES = 5;

/** Workflow-level settings stored as written and read by nothing. */
const IGNORED_SETTINGS = [
  'compute_node_wait_for_healthy_database_minutes',
  'compute_node_min_time_for_new_jobs_seconds',
] as const;

/** `resource_monitor` keys the workers read (resource-usage.ts); any other key is not acted on. */
const MONITOR_KEYS_ACTED_ON = new Set([
  'enabled',
  'granularity',
  'sample_interval_seconds',
  'memory_limit_factor',
  'generate_plots',
]);

/** Actions run by the provisioner; the per-worker triggers are stored only (no worker runs them). */
const WORKER_TRIGGERS = new Set(['on_worker_start', 'on_worker_complete']);

/**
 * One line per field jobgraph accepts but ignores, deduplicated: a field set in several entries of
 * a list is one line naming the entries (`user_data[0,2].is_ephemeral: accepted, not acted on
 * yet`). In spec order.
 */
export function unsupportedFieldWarnings(spec: WorkflowSpec): string[] {
  // Only the first few indexes are kept, and a count: a 100,000-job sweep is still one line.
  const found = new Map<string, { list: string; field: string; indexes: number[]; count: number; note: string }>();
  const add = (list: string, index: number | undefined, field: string, note = NOT_ACTED_ON): void => {
    const id = `${list}\u0000${field}\u0000${note}`;
    let entry = found.get(id);
    if (!entry) found.set(id, (entry = { list, field, indexes: [], count: 0, note }));
    if (index === undefined) return;
    entry.count += 1;
    if (entry.indexes.length < MAX_INDEXES) entry.indexes.push(index);
  };

  for (const setting of IGNORED_SETTINGS) if (spec[setting] !== undefined) add(setting, undefined, '');
  if (spec.use_pending_failed === true) add('use_pending_failed', undefined, '');
  // torc's "none" keeps the order jobs become ready in, which is what jobgraph does.
  if (spec.jobs_sort_method !== undefined && spec.jobs_sort_method !== 'none') add('jobs_sort_method', undefined, '');
  for (const [key, value] of Object.entries(spec.resource_monitor ?? {}))
    if (!MONITOR_KEYS_ACTED_ON.has(key) && value !== undefined && value !== false)
      add('resource_monitor', undefined, `.${key}`);

  spec.jobs.forEach((job, i) => {
    if (job.supports_termination) add('jobs', i, '.supports_termination');
  });
  spec.user_data.forEach((item, i) => {
    if (item.is_ephemeral) add('user_data', i, '.is_ephemeral');
    if (item.name === undefined) add('user_data', i, '', 'accepted without a name; no job can reference it');
  });
  spec.actions.forEach((action, i) => {
    if (WORKER_TRIGGERS.has(action.trigger_type))
      add('actions', i, '.trigger_type', `${action.trigger_type} ${NOT_ACTED_ON}`);
    if (action.persistent) add('actions', i, '.persistent');
  });

  return [...found.values()].map(
    ({ list, field, indexes, count, note }) => `${list}${indexList(indexes, count)}${field}: ${note}`,
  );
}

/** `[3]`, `[0,2,5]`, `[0,1,2,3,4,… 7 more]`, or nothing for a workflow-level field. */
function indexList(indexes: number[], count: number): string {
  if (count === 0) return '';
  const more = count - indexes.length;
  return more > 0 ? `[${indexes.join(',')},… ${more} more]` : `[${indexes.join(',')}]`;
}
