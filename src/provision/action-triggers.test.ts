import { describe, expect, it } from 'vitest';
import { isTriggered } from './action-triggers.js';

describe('isTriggered', () => {
  it('on_workflow_start fires once the workflow has started', () => {
    expect(isTriggered('on_workflow_start', { workflowStatus: 'created' })).toBe(false);
    expect(isTriggered('on_workflow_start', { workflowStatus: 'running' })).toBe(true);
    expect(isTriggered('on_workflow_start', { workflowStatus: 'canceled' })).toBe(false);
  });

  it('on_jobs_ready waits until no selected job is still waiting', () => {
    const facts = (counts: Record<string, number>) => ({ workflowStatus: 'running' as const, selectedCounts: counts });
    expect(isTriggered('on_jobs_ready', facts({ ready: 2, blocked: 1 }))).toBe(false);
    expect(isTriggered('on_jobs_ready', facts({ ready: 2, queued: 1 }))).toBe(true);
    expect(isTriggered('on_jobs_ready', facts({ running: 1, completed: 1, canceled: 1 }))).toBe(true);
    expect(isTriggered('on_jobs_ready', { workflowStatus: 'created', selectedCounts: { uninitialized: 0 } })).toBe(
      false,
    );
  });

  it('on_jobs_complete waits until every selected job is final', () => {
    const facts = (counts: Record<string, number>) => ({ workflowStatus: 'running' as const, selectedCounts: counts });
    expect(isTriggered('on_jobs_complete', facts({ completed: 2, running: 1 }))).toBe(false);
    expect(isTriggered('on_jobs_complete', facts({ completed: 2, failed: 1 }))).toBe(true);
  });

  it('on_workflow_complete fires on completed or failed, not canceled', () => {
    expect(isTriggered('on_workflow_complete', { workflowStatus: 'running' })).toBe(false);
    expect(isTriggered('on_workflow_complete', { workflowStatus: 'completed' })).toBe(true);
    expect(isTriggered('on_workflow_complete', { workflowStatus: 'failed' })).toBe(true);
    expect(isTriggered('on_workflow_complete', { workflowStatus: 'canceled' })).toBe(false);
  });

  it('leaves worker triggers to workers', () => {
    expect(isTriggered('on_worker_start', { workflowStatus: 'running' })).toBeUndefined();
  });
});
