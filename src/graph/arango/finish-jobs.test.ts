/**
 * The loading loop around the shared dependents rule: a cancellation cascading past the
 * first level makes the adapter load the next level and re-run the rule, and writes only
 * the final states. The runner here answers from an in-memory graph in the shape the
 * dependents query returns; the AQL itself runs in the contract suite (ARANGO_URL).
 */
import type { AqlQuery } from 'arangojs/aql';
import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../core/model.js';
import { finishJobs } from './finish-jobs.js';
import type { DependentRow } from './queries/job-state.js';
import type { QueryRunner } from './query-runner.js';

interface Job {
  status: JobStatus;
  unfinished_blockers: number;
  cancel_on_blocking_job_failure?: boolean;
}

function graphRunner(jobs: Record<string, Job>, blocks: Array<[string, string]>) {
  const loads: string[][] = [];
  const writes: unknown[] = [];
  const runner: QueryRunner = {
    async all<T>(query: AqlQuery<T>): Promise<T[]> {
      if (query.bindVars.jobs) {
        const keys = query.bindVars.jobs as string[];
        loads.push(keys);
        const rows: DependentRow[] = keys.map((job) => ({
          job,
          dependents: blocks
            .filter(([from]) => from === job)
            .map(([, to]) => ({ key: to, state: jobs[to] ? { ...jobs[to] } : null })),
        }));
        return rows as T[];
      }
      writes.push(...(query.bindVars.updates as unknown[]));
      return [];
    },
    async one<T>(query: AqlQuery<T>): Promise<T | undefined> {
      return (await this.all(query))[0];
    },
  };
  return { runner, loads, writes };
}

describe('finishJobs (ArangoDB loading loop)', () => {
  it('follows a cancellation chain one level per load and writes every touched job once', async () => {
    const { runner, loads, writes } = graphRunner(
      {
        b: { status: 'blocked', unfinished_blockers: 1, cancel_on_blocking_job_failure: true },
        c: { status: 'blocked', unfinished_blockers: 1, cancel_on_blocking_job_failure: true },
        d: { status: 'blocked', unfinished_blockers: 2, cancel_on_blocking_job_failure: false },
      },
      [
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'd'],
      ],
    );
    const outcome = await finishJobs(runner, 'wf', [{ job: 'a', status: 'failed' }]);
    expect(outcome.canceled).toEqual(['b', 'c']);
    expect(outcome.newlyReady).toEqual([]);
    expect(loads).toEqual([['a'], ['b'], ['c']]);
    expect(writes).toEqual([
      { key: 'b', status: 'canceled', unfinished_blockers: 0 },
      { key: 'c', status: 'canceled', unfinished_blockers: 0 },
      { key: 'd', status: 'blocked', unfinished_blockers: 1 },
    ]);
  });

  it('makes a dependent ready after its last blocker completes; a missing flag means cancel on failure', async () => {
    const { runner, writes } = graphRunner(
      { b: { status: 'blocked', unfinished_blockers: 1 }, c: { status: 'blocked', unfinished_blockers: 2 } },
      [
        ['a', 'b'],
        ['a', 'c'],
      ],
    );
    const outcome = await finishJobs(runner, 'wf', [{ job: 'a', status: 'completed' }]);
    expect(outcome.newlyReady).toEqual(['b']);
    expect(writes).toEqual([
      { key: 'b', status: 'ready', unfinished_blockers: 0 },
      { key: 'c', status: 'blocked', unfinished_blockers: 1 },
    ]);
  });
});
