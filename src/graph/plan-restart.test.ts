import { describe, expect, it } from 'vitest';
import { planRestart, summarizeReasons, type RestartJobFacts } from './plan-restart.js';

const fp = (input: string, cmd = 'c1', ud = 'u1') => ({
  input_hashes: { f_in: input },
  command_hash: cmd,
  user_data_hashes: { ud_p: ud },
});

/** a → b → c, a → d; e independent. */
function jobs(overrides: Partial<Record<string, Partial<RestartJobFacts>>> = {}): RestartJobFacts[] {
  return ['a', 'b', 'c', 'd', 'e'].map((k) => ({
    _key: k,
    name: `job-${k}`,
    status: 'completed',
    recorded: fp('h1'),
    current: fp('h1'),
    ...overrides[k],
  }));
}
const blocks = [
  ['a', 'b'],
  ['b', 'c'],
  ['a', 'd'],
] as const;
const labels = { f_in: 'data.csv', f_out: 'out.txt', ud_p: 'params' };

describe('planRestart', () => {
  it('selects nothing when nothing changed', () => {
    expect(planRestart({ jobs: jobs(), blocks, labels })).toEqual([]);
  });

  it('with a requested list: exactly those and their downstream, ignoring other reasons', () => {
    const plan = planRestart({
      jobs: jobs({ e: { status: 'failed' }, c: { current: fp('changed') } }),
      blocks,
      labels,
      requested: ['b'],
    });
    expect(plan).toEqual([
      { job: 'b', name: 'job-b', reasons: ['requested'] },
      { job: 'c', name: 'job-c', reasons: ['downstream of job-b'] },
    ]);
  });

  it('selects a failed job and everything downstream, with reasons', () => {
    const plan = planRestart({ jobs: jobs({ b: { status: 'failed' }, c: { status: 'canceled' } }), blocks, labels });
    expect(plan).toEqual([
      { job: 'b', name: 'job-b', reasons: ['failed'] },
      { job: 'c', name: 'job-c', reasons: ['canceled'] },
    ]);
    const plan2 = planRestart({ jobs: jobs({ a: { status: 'terminated' } }), blocks, labels });
    expect(plan2.map((s) => [s.job, s.reasons])).toEqual([
      ['a', ['terminated']],
      ['b', ['downstream of job-a']],
      ['d', ['downstream of job-a']],
      ['c', ['downstream of job-b']],
    ]);
  });

  it('names changed inputs, commands, user data and missing outputs', () => {
    const plan = planRestart({
      jobs: jobs({
        b: { current: fp('h2') },
        d: { current: fp('h1', 'c2', 'u2') },
        e: { missing_outputs: ['f_out'] },
      }),
      blocks,
      labels,
    });
    expect(plan).toEqual([
      { job: 'b', name: 'job-b', reasons: ['input file data.csv changed'] },
      { job: 'd', name: 'job-d', reasons: ['command changed', 'user data params changed'] },
      { job: 'e', name: 'job-e', reasons: ['output out.txt missing'] },
      { job: 'c', name: 'job-c', reasons: ['downstream of job-b'] },
    ]);
    expect(summarizeReasons(plan)).toEqual({
      'input changed': 1,
      'command changed': 1,
      'user data changed': 1,
      'output missing': 1,
      downstream: 1,
    });
  });

  it('failedOnly ignores changes; unrecorded fingerprints never count as changed', () => {
    const changed = jobs({ b: { current: fp('h2') }, e: { status: 'failed', missing_outputs: ['f_out'] } });
    expect(planRestart({ jobs: changed, blocks, failedOnly: true }).map((s) => s.job)).toEqual(['e']);
    expect(planRestart({ jobs: jobs({ b: { recorded: undefined, current: fp('h2') } }), blocks })).toEqual([]);
  });

  it('an input file added or dropped since counts as changed', () => {
    const plan = planRestart({
      jobs: jobs({ a: { current: { ...fp('h1'), input_hashes: { f_in: 'h1', f_new: 'missing' } } } }),
      blocks,
    });
    expect(plan[0]).toEqual({ job: 'a', name: 'job-a', reasons: ['input file f_new changed'] });
    expect(plan.map((s) => s.job)).toEqual(['a', 'b', 'd', 'c']);
  });

  it('skips disabled and in-flight jobs downstream but walks through them', () => {
    const plan = planRestart({
      jobs: jobs({ a: { status: 'failed' }, b: { status: 'disabled' }, d: { status: 'running' } }),
      blocks,
    });
    expect(plan.map((s) => s.job)).toEqual(['a', 'c']);
  });
});
