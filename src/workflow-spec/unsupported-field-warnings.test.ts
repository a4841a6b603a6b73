import { describe, expect, it } from 'vitest';
import { unsupportedFieldWarnings } from './unsupported-field-warnings.js';
import { validateSpec } from './validate-spec.js';

const warningsOf = (spec: Record<string, unknown>) =>
  unsupportedFieldWarnings(validateSpec({ name: 'w', jobs: [{ name: 'a', command: 'true' }], ...spec }));

describe('unsupportedFieldWarnings', () => {
  it('is empty for a spec that sets nothing jobgraph ignores', () => {
    expect(warningsOf({})).toEqual([]);
  });

  it('names workflow-level settings that are stored only, with their paths', () => {
    expect(
      warningsOf({
        compute_node_wait_for_healthy_database_minutes: 20,
        compute_node_min_time_for_new_jobs_seconds: 300,
        use_pending_failed: true,
        jobs_sort_method: 'gpus_runtime_memory',
      }),
    ).toEqual([
      'compute_node_wait_for_healthy_database_minutes: accepted, not acted on yet',
      'compute_node_min_time_for_new_jobs_seconds: accepted, not acted on yet',
      'use_pending_failed: accepted, not acted on yet',
      'jobs_sort_method: accepted, not acted on yet',
    ]);
  });

  it('leaves out settings that are acted on, and values that ask for what jobgraph does anyway', () => {
    expect(
      warningsOf({
        compute_node_expiration_buffer_seconds: 120,
        compute_node_wait_for_new_jobs_seconds: 90,
        compute_node_ignore_workflow_completion: true,
        slurm_defaults: { account: 'p' },
        use_pending_failed: false,
        jobs_sort_method: 'none',
        resource_monitor: {
          enabled: true,
          granularity: 'time_series',
          sample_interval_seconds: 2,
          generate_plots: false,
        },
        user_data: [{ name: 'd', is_ephemeral: false }],
        jobs: [{ name: 'a', command: 'true', supports_termination: false }],
      }),
    ).toEqual([]);
  });

  it('names resource_monitor keys the workers do not read', () => {
    expect(warningsOf({ resource_monitor: { enabled: true, generate_plots: true, plot_format: 'png' } })).toEqual([
      'resource_monitor.plot_format: accepted, not acted on yet',
    ]);
  });

  it('is one line per field however many entries set it, naming the entries', () => {
    const jobs = Array.from({ length: 8 }, (_, i) => ({ name: `j${i}`, command: 'true', supports_termination: true }));
    expect(
      warningsOf({
        jobs,
        user_data: [
          { name: 'a', is_ephemeral: true },
          { name: 'b' },
          { name: 'c', is_ephemeral: true },
          { data: 1 },
          { data: 2 },
        ],
      }),
    ).toEqual([
      'jobs[0,1,2,3,4,… 3 more].supports_termination: accepted, not acted on yet',
      'user_data[0,2].is_ephemeral: accepted, not acted on yet',
      'user_data[3,4]: accepted without a name; no job can reference it',
    ]);
  });

  it('names per-worker action triggers and persistent actions', () => {
    expect(
      warningsOf({
        actions: [
          { trigger_type: 'on_worker_start', action_type: 'run_commands', commands: ['hostname'] },
          { trigger_type: 'on_workflow_start', action_type: 'run_commands', commands: ['true'], persistent: true },
          { trigger_type: 'on_worker_complete', action_type: 'run_commands', commands: ['true'] },
        ],
      }),
    ).toEqual([
      'actions[0].trigger_type: on_worker_start accepted, not acted on yet',
      'actions[1].persistent: accepted, not acted on yet',
      'actions[2].trigger_type: on_worker_complete accepted, not acted on yet',
    ]);
  });
});
