import { describe, expect, it } from 'vitest';
import { isWorkflowOver } from './worker.js';

describe('isWorkflowOver', () => {
  const status = (s: 'created' | 'running' | 'completed' | 'failed' | 'canceled', counts: Record<string, number>) => ({
    workflow: 'wf',
    status: s,
    counts,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
  });

  it('is over once the workflow has a final status', () => {
    expect(isWorkflowOver(status('completed', { completed: 2 }))).toBe(true);
    expect(isWorkflowOver(status('failed', { failed: 1, canceled: 1 }))).toBe(true);
    expect(isWorkflowOver(status('canceled', { canceled: 1 }))).toBe(true);
  });

  it('is over when running with every job final, before the scheduler marks it', () => {
    expect(isWorkflowOver(status('running', { completed: 3, failed: 1, disabled: 1, running: 0 }))).toBe(true);
  });

  it('is not over while a job is unfinished, nor before it starts', () => {
    expect(isWorkflowOver(status('running', { completed: 3, running: 1 }))).toBe(false);
    expect(isWorkflowOver(status('running', { completed: 3, queued: 1 }))).toBe(false);
    expect(isWorkflowOver(status('running', { completed: 3, blocked: 1 }))).toBe(false);
    expect(isWorkflowOver(status('created', { uninitialized: 2 }))).toBe(false);
    expect(isWorkflowOver(status('running', {}))).toBe(false);
  });
});
