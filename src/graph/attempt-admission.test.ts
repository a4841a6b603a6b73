import { describe, expect, it } from 'vitest';
import { admitCompletion, admitLostAttempt, admitStart, type AttemptJobView } from './attempt-admission.js';

const r = { workflow: 'wf', job: 'wf-a', attempt: 2 };
const job = (status: AttemptJobView['status'], attempt = 2, extra: Partial<AttemptJobView> = {}): AttemptJobView => ({
  workflow: 'wf',
  status,
  attempt,
  ...extra,
});

describe('admitStart', () => {
  const node = 'compute_nodes/wf-w1';
  const start = (j: AttemptJobView | undefined, executedFrom?: string) => admitStart(r, { job: j, executedFrom, node });

  it('starts only a job queued at that attempt, and says why not otherwise', () => {
    expect(start(job('queued'))).toEqual({ kind: 'start' });
    expect(start(undefined)).toEqual({ kind: 'refused', reason: 'job wf-a does not exist in workflow wf' });
    expect(start({ ...job('queued'), workflow: 'other' })).toEqual({
      kind: 'refused',
      reason: 'job wf-a does not exist in workflow wf',
    });
    expect(start(job('queued', 3))).toEqual({ kind: 'refused', reason: 'job wf-a is at attempt 3, not 2' });
    expect(start(job('running'))).toEqual({ kind: 'refused', reason: 'job wf-a is running, not queued' });
  });

  it('answers a repeat from the compute node the attempt runs on, and refuses it from any other', () => {
    expect(start(job('running'), node)).toEqual({ kind: 'repeat' });
    expect(start(job('running'), 'compute_nodes/wf-w2')).toEqual({
      kind: 'refused',
      reason: 'job wf-a is running, not queued',
    });
    // Same node, but the attempt moved on (re-queued as attempt 3) or finished: no repeat.
    expect(start(job('running', 3), node)).toMatchObject({ kind: 'refused' });
    expect(start(job('completed'), node)).toMatchObject({ kind: 'refused' });
  });
});

describe('admitCompletion', () => {
  it('answers a repeat as a duplicate before anything else', () => {
    expect(admitCompletion(r, { hasResult: true, job: undefined })).toEqual({ kind: 'duplicate' });
    expect(admitCompletion(r, { hasResult: true, resultLost: false, job: job('running') })).toEqual({
      kind: 'duplicate',
    });
  });

  it('refuses, as late, the report of an attempt recorded lost: its worker was declared lost', () => {
    // Whatever the job does now (re-run as attempt 3, or failed at the cap), the answer is the same.
    for (const j of [job('running', 3), job('failed'), undefined])
      expect(admitCompletion(r, { hasResult: true, resultLost: true, job: j })).toEqual({
        kind: 'refused',
        late: true,
        reason: 'attempt 2 of job wf-a was recorded lost (its worker was declared lost); this late report is refused',
      });
  });

  it('records a running attempt and refuses any other', () => {
    expect(admitCompletion(r, { hasResult: false, job: job('running') })).toEqual({ kind: 'record' });
    expect(admitCompletion(r, { hasResult: false, job: job('running', 3) })).toEqual({
      kind: 'refused',
      reason: 'job wf-a is running at attempt 3, not running at attempt 2',
    });
    expect(admitCompletion(r, { hasResult: false, job: undefined })).toMatchObject({ kind: 'refused' });
  });

  it('accepts the report of an attempt canceled while running, and only that one', () => {
    expect(admitCompletion(r, { hasResult: false, job: job('canceled', 2, { canceled_from: 'running' }) })).toEqual({
      kind: 'canceled',
    });
    expect(admitCompletion(r, { hasResult: false, job: job('canceled', 2, { canceled_from: 'queued' }) })).toEqual({
      kind: 'refused',
      reason: 'job wf-a is canceled at attempt 2, not running at attempt 2',
    });
    expect(
      admitCompletion(r, { hasResult: false, job: job('canceled', 1, { canceled_from: 'running' }) }),
    ).toMatchObject({ kind: 'refused' });
  });
});

describe('admitLostAttempt', () => {
  const lost = { ...r, compute_node: 'wf-w1' };
  const refused = (reason: string) => ({ kind: 'refused', reason });
  it('records a running attempt on the dead worker only', () => {
    const view = { hasResult: false, job: job('running'), executedFrom: 'compute_nodes/wf-w1' };
    expect(admitLostAttempt(lost, view)).toEqual({ kind: 'lost' });
    expect(admitLostAttempt(lost, { ...view, hasResult: true })).toEqual(
      refused('attempt 2 of job wf-a already has a result'),
    );
    expect(admitLostAttempt(lost, { ...view, job: job('ready', 3) })).toEqual(
      refused('job wf-a is ready at attempt 3, not running at attempt 2'),
    );
    expect(admitLostAttempt(lost, { ...view, executedFrom: 'compute_nodes/wf-w2' })).toEqual(
      refused('attempt 2 of job wf-a does not run on wf-w1'),
    );
    expect(admitLostAttempt(lost, { ...view, executedFrom: undefined })).toMatchObject({ kind: 'refused' });
  });

  it('records an attempt a cancellation caught running as canceled, once, on its own worker', () => {
    const view = {
      hasResult: false,
      job: job('canceled', 2, { canceled_from: 'running' }),
      executedFrom: 'compute_nodes/wf-w1',
    };
    expect(admitLostAttempt(lost, view)).toEqual({ kind: 'canceled' });
    expect(admitLostAttempt(lost, { ...view, hasResult: true })).toMatchObject({ kind: 'refused' });
    expect(admitLostAttempt(lost, { ...view, executedFrom: 'compute_nodes/wf-w2' })).toMatchObject({
      kind: 'refused',
    });
    // Canceled while queued or blocked: no process ran it, nothing to record.
    expect(admitLostAttempt(lost, { ...view, job: job('canceled', 2, { canceled_from: 'queued' }) })).toMatchObject({
      kind: 'refused',
    });
    expect(admitLostAttempt(lost, { ...view, job: job('canceled', 3, { canceled_from: 'running' }) })).toMatchObject({
      kind: 'refused',
    });
  });
});
