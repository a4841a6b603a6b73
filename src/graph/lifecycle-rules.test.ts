import { describe, expect, it } from 'vitest';
import { InvalidStateError } from '../core/errors.js';
import type { WorkflowDoc } from '../core/model.js';
import {
  checkCancelJob,
  checkCancelWorkflow,
  checkInitialize,
  checkResettable,
  checkRestart,
  startedWorkflow,
} from './lifecycle-rules.js';

const wf = (status: WorkflowDoc['status']): WorkflowDoc => ({
  _key: 'wf',
  _id: 'workflows/wf',
  name: 'wf',
  status,
  created_at: 't',
});

describe('lifecycle rules', () => {
  it('allow each operation only in the states it is defined for', () => {
    expect(() => checkInitialize(wf('created'))).not.toThrow();
    expect(() => checkInitialize(wf('running'))).toThrow(InvalidStateError);
    expect(() => checkCancelWorkflow(wf('created'))).not.toThrow();
    expect(() => checkCancelWorkflow(wf('completed'))).toThrow(/only a created or running workflow/);
    expect(() => checkCancelJob(wf('running'), 'j', 'queued')).not.toThrow();
    expect(() => checkCancelJob(wf('created'), 'j', 'uninitialized')).toThrow(/only while it runs/);
    expect(() => checkCancelJob(wf('running'), 'j', 'completed')).toThrow('job j is already completed');
    for (const s of ['running', 'completed', 'failed', 'canceled'] as const)
      expect(() => checkRestart(wf(s))).not.toThrow();
    expect(() => checkRestart(wf('created'))).toThrow(InvalidStateError);
    expect(() => checkResettable('j', 'failed')).not.toThrow();
    for (const s of ['queued', 'running', 'disabled'] as const) expect(() => checkResettable('j', s)).toThrow(/j is/);
  });

  it('starts a workflow with the settings given, which cannot override the lifecycle', () => {
    const next = startedWorkflow(wf('created'), { auto_scale: true, status: 'failed', _key: 'x' }, 'now');
    expect(next).toMatchObject({ _key: 'wf', status: 'running', started_at: 'now', auto_scale: true });
  });
});
