import { describe, expect, it } from 'vitest';
import { build, expectIssue } from './spec-test-helpers.js';

const settings = {
  compute_node_expiration_buffer_seconds: 120,
  compute_node_wait_for_new_jobs_seconds: 90,
  compute_node_ignore_workflow_completion: true,
  compute_node_wait_for_healthy_database_minutes: 20,
  compute_node_min_time_for_new_jobs_seconds: 300,
  jobs_sort_method: 'gpus_runtime_memory',
  use_pending_failed: false,
  resource_monitor: { enabled: true, granularity: 'time_series', metrics: ['cpu_percent'] },
};

describe('workflow-level settings', () => {
  it('are stored on the workflow document as given', () => {
    const b = build(settings);
    expect(b.workflow).toMatchObject(settings);
  });

  it('are absent from the workflow document when not given (null too)', () => {
    const b = build({ compute_node_wait_for_new_jobs_seconds: null, resource_monitor: null });
    for (const key of Object.keys(settings)) expect(b.workflow).not.toHaveProperty(key);
  });

  it('accept zero and fractions, refuse negative numbers and wrong types by path', () => {
    expect(
      build({ compute_node_expiration_buffer_seconds: 0, compute_node_wait_for_new_jobs_seconds: 0.5 }).workflow,
    ).toMatchObject({ compute_node_expiration_buffer_seconds: 0, compute_node_wait_for_new_jobs_seconds: 0.5 });
    const bad: Array<[string, unknown]> = [
      ['compute_node_expiration_buffer_seconds', -1],
      ['compute_node_wait_for_new_jobs_seconds', '90'],
      ['compute_node_ignore_workflow_completion', 'yes'],
      ['compute_node_wait_for_healthy_database_minutes', -5],
      ['compute_node_min_time_for_new_jobs_seconds', true],
      ['jobs_sort_method', 1],
      ['use_pending_failed', 0],
      ['resource_monitor', 'on'],
    ];
    for (const [key, value] of bad) expectIssue({ name: 'w', [key]: value }, key, /./);
  });
});
