import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../core/errors.js';
import { allocationStateOf } from './job-state.js';
import { allocationStatusOf, parseSqueueJson } from './squeue-jobs.js';

/** Jobs as Slurm 22.05's `squeue --json` printed them on the test cluster (fields trimmed). */
const SLURM_22_05 = JSON.stringify({
  meta: { plugin: { type: 'openapi/v0.0.38', name: 'Slurm OpenAPI v0.0.38' } },
  errors: [],
  jobs: [
    // prettier-ignore
    { account: 'myacct', job_id: 1, job_state: 'RUNNING', state_reason: 'None', name: 'jg-wf1-a1', nodes: 'n[1-2]', start_time: 1796058277, end_time: 1796058337, time_limit: 1, user_id: 0, partition: 'debug', qos: '', exit_code: 0, job_resources: { nodes: 'n[1-2]' } },
    // prettier-ignore
    { account: '', job_id: 2, job_state: 'PENDING', state_reason: 'Resources', name: 'jg-wf1-a2', nodes: '', start_time: 1796058344, end_time: 6091025580, time_limit: null, user_id: 0 },
    // prettier-ignore
    { account: '', job_id: 4, job_state: 'CANCELLED', state_reason: 'Priority', name: 'jg-wf1-a3', nodes: '', start_time: 1796058288, end_time: 1796058288, time_limit: null, user_id: 0 },
    // prettier-ignore
    { account: 'myacct', job_id: 5, job_state: 'TIMEOUT', state_reason: 'TimeLimit', name: 'jg-wf1-a4', nodes: 'vm', start_time: 1796058277, end_time: 1796058364, time_limit: 1, user_id: 0, exit_code: 15 },
    // prettier-ignore
    { job_id: 6, job_state: 'COMPLETED', state_reason: 'None', name: 'someone-elses', nodes: 'vm', start_time: 1796058277, end_time: 1796058300, time_limit: 5, user_id: 1000 },
  ],
});

describe('parseSqueueJson', () => {
  it('reads Slurm 22.05 (OpenAPI v0.0.38) output', () => {
    const jobs = parseSqueueJson(SLURM_22_05);
    expect(jobs.map((j) => [j.job_id, j.job_state, j.time_limit])).toEqual([
      [1, 'RUNNING', 1],
      [2, 'PENDING', undefined],
      [4, 'CANCELLED', undefined],
      [5, 'TIMEOUT', 1],
      [6, 'COMPLETED', 5],
    ]);
  });

  it('reads the later shape: number objects and a list of state flags', () => {
    const later = JSON.stringify({
      jobs: [
        {
          job_id: 7,
          name: 'jg-wf2-a1',
          job_state: ['RUNNING', 'COMPLETING'],
          start_time: { set: true, infinite: false, number: 1796058277 },
          end_time: { set: true, infinite: false, number: 1796061877 },
          time_limit: { set: true, infinite: false, number: 60 },
          user_id: 0,
          nodes: 'vm',
        },
        { job_id: 8, name: 'x', job_state: ['PENDING'], time_limit: { set: false, infinite: true, number: 0 } },
      ],
    });
    const [running, pending] = parseSqueueJson(later);
    expect(running).toMatchObject({ job_id: 7, job_state: 'RUNNING', time_limit: 60, end_time: 1796061877 });
    expect(pending!.time_limit).toBeUndefined();
  });

  it('refuses what is not squeue JSON', () => {
    expect(() => parseSqueueJson('slurm_load_jobs error')).toThrow(UnavailableError);
    expect(() => parseSqueueJson('{"jobs": [{"name": "x"}]}')).toThrow(UnavailableError);
  });
});

describe('allocationStatusOf', () => {
  const [running, pending, canceled, timedOut, other] = parseSqueueJson(SLURM_22_05);

  it('a running job: its nodes, start and expected end, and its allocation key', () => {
    expect(allocationStatusOf(running!)).toMatchObject({
      provider_id: '1',
      allocation: 'wf1-a1',
      state: 'running',
      node_names: ['n1', 'n2'],
      started_at: new Date(1796058277000).toISOString(),
      ends_at: new Date(1796058337000).toISOString(),
    });
    expect(allocationStatusOf(running!).message).toBeUndefined();
  });

  it('a pending job: Slurm reason as message, no times', () => {
    const status = allocationStatusOf(pending!);
    expect(status).toMatchObject({ state: 'pending', message: 'Resources' });
    expect(status.started_at ?? status.ends_at ?? status.ended_at).toBeUndefined();
  });

  it('a job canceled while pending: ended canceled, never started', () => {
    const status = allocationStatusOf(canceled!);
    expect(status).toMatchObject({ state: 'ended', reason: 'canceled', message: 'CANCELLED' });
    expect(status.started_at).toBeUndefined();
    expect(status.ended_at).toBe(new Date(1796058288000).toISOString());
  });

  it('a job that reached its time limit: ended walltime', () => {
    expect(allocationStatusOf(timedOut!)).toMatchObject({
      state: 'ended',
      reason: 'walltime',
      message: 'TIMEOUT (TimeLimit)',
      ended_at: new Date(1796058364000).toISOString(),
    });
  });

  it('a job jobgraph did not submit has no allocation key', () =>
    expect(allocationStatusOf(other!).allocation).toBeUndefined());
});

describe('allocationStateOf', () => {
  it.each([
    ['PENDING', 'pending', undefined],
    ['CONFIGURING', 'pending', undefined],
    ['REQUEUED', 'pending', undefined],
    ['RUNNING', 'running', undefined],
    ['COMPLETING', 'running', undefined],
    ['SUSPENDED', 'running', undefined],
    ['COMPLETED', 'ended', 'finished'],
    ['TIMEOUT', 'ended', 'walltime'],
    ['CANCELLED', 'ended', 'canceled'],
    ['NODE_FAIL', 'ended', 'node_failure'],
    ['PREEMPTED', 'ended', 'preempted'],
    ['FAILED', 'ended', 'failed'],
    ['OUT_OF_MEMORY', 'ended', 'failed'],
    ['BOOT_FAIL', 'ended', 'failed'],
    ['DEADLINE', 'ended', 'failed'],
    ['SOMETHING_NEW', 'running', undefined],
  ])('%s → %s %s', (slurm, state, reason) =>
    expect(allocationStateOf(slurm)).toEqual(reason ? { state, reason } : { state }),
  );
});
