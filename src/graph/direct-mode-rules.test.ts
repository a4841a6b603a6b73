import { describe, expect, it } from 'vitest';
import { CycleError, InvalidStateError, ValidationError } from '../core/errors.js';
import type { JobStatus, WorkflowDoc } from '../core/model.js';
import {
  checkDeleteDocument,
  checkInsertDocument,
  checkUpdateDocument,
  planBlocksInsert,
  type BlocksView,
} from './direct-mode-rules.js';

const wf = (status: WorkflowDoc['status']): WorkflowDoc => ({
  _key: 'wf',
  _id: 'workflows/wf',
  name: 'wf',
  status,
  created_at: 't',
});

function view(
  jobs: Record<string, { status: JobStatus; unfinished_blockers?: number }>,
  edges: Array<[string, string]>,
): BlocksView {
  return {
    stateOf: (job) => jobs[job] && { unfinished_blockers: 0, ...jobs[job], name: job.toUpperCase() },
    dependentsOf: (job) => edges.filter(([from]) => from === job).map(([, to]) => to),
  };
}

const paths = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).issues.map((i) => i.path);
  }
  return [];
};

describe('direct-mode rules', () => {
  it('names every server-owned field a patch would change', () => {
    const stored = { _key: 'j', _id: 'jobs/j', status: 'ready', attempt: 2 };
    expect(paths(() => checkUpdateDocument('jobs', wf('running'), stored, { status: 'failed', attempt: 2 }))).toEqual([
      'status',
    ]);
    expect(paths(() => checkUpdateDocument('files', wf('running'), stored, { status: 'failed' }))).toEqual([]);
    expect(paths(() => checkUpdateDocument('actions', wf('created'), stored, { claimed_at: 'now' }))).toEqual([
      'claimed_at',
    ]);
  });

  it('refuses reserved keys and jobs after the start', () => {
    expect(paths(() => checkInsertDocument('results', wf('created'), { _key: 'wf-j1-a1' }))).toEqual(['_key']);
    expect(() => checkInsertDocument('jobs', wf('completed'), { name: 'x' })).toThrow(InvalidStateError);
    expect(() => checkInsertDocument('jobs', wf('created'), { name: 'x', status: 'disabled' })).not.toThrow();
  });

  it('refuses deleting what the running system still counts on', () => {
    const none = { runsAttempt: () => false };
    const job = (status: string) => ({ _key: 'j', _id: 'jobs/j', status });
    expect(() => checkDeleteDocument('jobs', wf('running'), job('blocked'), none)).toThrow(/delete-final-jobs-only/);
    expect(() => checkDeleteDocument('jobs', wf('created'), job('uninitialized'), none)).not.toThrow();
    expect(() => checkDeleteDocument('jobs', wf('running'), job('failed'), none)).not.toThrow();
    const node = { _key: 'n', _id: 'compute_nodes/n' };
    expect(() => checkDeleteDocument('compute_nodes', wf('running'), node, { runsAttempt: () => true })).toThrow(
      /keep-compute-node-of-running-attempt/,
    );
    expect(() => checkDeleteDocument('compute_nodes', wf('running'), node, none)).not.toThrow();
  });

  it('counts a new blocker that has not finished, and only for a waiting dependent', () => {
    const g = view({ a: { status: 'queued' }, b: { status: 'ready' }, c: { status: 'completed' } }, []);
    expect(planBlocksInsert(wf('running'), 'a', 'b', g)).toEqual({
      job: 'b',
      status: 'blocked',
      unfinished_blockers: 1,
    });
    expect(planBlocksInsert(wf('running'), 'c', 'b', g)).toBeUndefined();
    expect(planBlocksInsert(wf('running'), 'b', 'c', g)).toBeUndefined();
    expect(planBlocksInsert(wf('created'), 'a', 'b', g)).toBeUndefined();
    expect(() => planBlocksInsert(wf('running'), 'b', 'a', g)).toThrow(/blocks-before-dependent-starts/);
  });

  it('names the cycle a new edge would close, along the existing path', () => {
    const g = view(
      { a: { status: 'ready' }, b: { status: 'blocked' }, c: { status: 'blocked' }, d: { status: 'blocked' } },
      [
        ['a', 'b'],
        ['a', 'd'],
        ['b', 'c'],
        ['d', 'c'],
      ],
    );
    try {
      planBlocksInsert(wf('running'), 'c', 'a', g);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CycleError);
      expect((err as CycleError).cycle).toEqual(['C', 'A', 'B', 'C']);
    }
  });
});
