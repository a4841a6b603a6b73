/**
 * A lost start answer never strands a job (issue 9, item 1), with real processes: a TCP
 * proxy the test controls sits between the worker and the API and loses the answer of a
 * `POST /api/v1/attempts/start` that the API committed.
 * - The worker retries, and the repeated start is answered `ok` (idempotent): the attempt runs once.
 * - The retries fail too (503 from the proxy): the worker gives up and does not hold the
 *   attempt, its heartbeat says so, and the scheduler re-queues it as a lost attempt.
 * Recovery times are printed (`[lost-start-reply]` lines).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { JobDoc, ResultDoc } from '../../src/core/model.js';
import { startAnswerLosingProxy, type AnswerLosingProxy } from '../support/answer-losing-proxy.js';
import { waitFor } from './support/cli.js';
import { exited, openProcessStack, type Child, type ProcessStack } from './support/process-stack.js';
import { expectRanOncePerAttempt } from './support/ran-once.js';

const START = '/api/v1/attempts/start';
const FAN = 10;

/** `first`, then FAN jobs after it, then `last`: the first start is the only one in flight. */
const WORKFLOW = [
  'name: lost-start-reply',
  'jobs:',
  "  - { name: first, command: 'echo $JOBGRAPH_JOB_NAME.$JOBGRAPH_ATTEMPT >> ran.log' }",
  ...Array.from(
    { length: FAN },
    (_, i) =>
      `  - { name: f${i}, command: 'echo $JOBGRAPH_JOB_NAME.$JOBGRAPH_ATTEMPT >> ran.log', depends_on: [first] }`,
  ),
  `  - { name: last, command: 'echo $JOBGRAPH_JOB_NAME.$JOBGRAPH_ATTEMPT >> ran.log', depends_on: [${Array.from({ length: FAN }, (_, i) => `f${i}`).join(', ')}] }`,
  '',
].join('\n');

let stack: ProcessStack | undefined;
let proxy: AnswerLosingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await stack?.cleanup();
  stack = undefined;
});

/** A server, a proxy in front of it and the workflow, created and started; its key. */
async function serverBehindProxy(): Promise<string> {
  stack = await openProcessStack(inject('redisUrl'));
  await stack.startServer();
  proxy = await startAnswerLosingProxy(Number(new URL(stack.api).port));
  return stack.createAndStart(WORKFLOW);
}

/** Wait until the job `first` is as `ready` says; resolves with it. */
function firstJobWhen(wf: string, ready: (j: JobDoc) => boolean, what: string): Promise<JobDoc> {
  return waitFor(
    async () => {
      const first = (await stack!.jobs(wf)).find((j) => j.name === 'first')!;
      return ready(first) ? first : undefined;
    },
    30_000,
    what,
  );
}

/** The worker exited 0 and every attempt ran at most once; the jobs and results. */
async function finishedOnce(worker: Child, wf: string): Promise<{ jobs: JobDoc[]; results: ResultDoc[] }> {
  expect(await exited(worker)).toBe(0);
  const jobs = await stack!.jobs(wf);
  const results = await stack!.results(wf);
  expectRanOncePerAttempt(jobs, results, readFileSync(join(stack!.dir, 'ran.log'), 'utf8'));
  return { jobs, results };
}

describe('a lost start answer', () => {
  it('is retried and answered again: the workflow completes, every job ran once at attempt 1', async () => {
    const wf = await serverBehindProxy();
    const cut = proxy!.cut('POST', START);
    const worker = stack!.startWorker(['--api', proxy!.url, '--workflow', wf]);
    const cutAt = await cut;
    const running = await firstJobWhen(
      wf,
      (j) => j.status === 'completed',
      'the job whose start answer was lost to complete',
    );
    const recoveredMs = Date.now() - cutAt;
    const { jobs } = await finishedOnce(worker, wf);
    expect(jobs.every((j) => j.attempt === 1)).toBe(true);
    expect(running.attempt).toBe(1);
    const events = await stack!.store().listDocuments(wf, 'events', { filter: { type: 'job_started' }, limit: 100 });
    expect(events.total).toBe(FAN + 2); // one per job: the repeat wrote none
    expect(proxy!.acts.map((a) => a.mode)).toEqual(['cut']);
    console.log(`[lost-start-reply] idempotent retry: cut to the job completed in ${recoveredMs} ms`);
  }, 120_000);

  it('whose retries fail too: the worker does not hold it, and the scheduler re-queues it from its heartbeat', async () => {
    const wf = await serverBehindProxy();
    const cut = proxy!.cut('POST', START);
    // The client's own retry of the cut request, then the reporter's three retries: all refused.
    proxy!.refuse('POST', START, 4);
    const worker = stack!.startWorker(['--api', proxy!.url, '--workflow', wf]);
    const cutAt = await cut;
    const requeued = await firstJobWhen(
      wf,
      (j) => j.attempt === 2,
      'the attempt its worker does not hold to be re-queued',
    );
    const requeuedMs = Date.now() - cutAt;
    const { jobs, results } = await finishedOnce(worker, wf);
    const lost = results.filter((r) => r.lost === true);
    expect(lost.map((r) => [r.job, r.attempt, r.message])).toEqual([[requeued._key, 1, 'not held by its worker']]);
    expect(jobs.filter((j) => j.attempt !== 1).map((j) => [j.name, j.attempt])).toEqual([['first', 2]]);
    const events = await stack!.store().listDocuments(wf, 'events', { limit: 1000 });
    const types = events.items.map((e) => e.type);
    expect(types.filter((t) => t === 'attempt_not_held')).toHaveLength(1);
    expect(types).not.toContain('worker_lost');
    expect(proxy!.acts.map((a) => a.mode)).toEqual(['cut', 'refuse', 'refuse', 'refuse', 'refuse']);
    console.log(
      `[lost-start-reply] backstop: cut to the attempt re-queued in ${requeuedMs} ms ` +
        `(heartbeat ${stack!.env.JOBGRAPH_HEARTBEAT_MS} ms, reconcile ${stack!.env.JOBGRAPH_RECONCILE_MS} ms)`,
    );
  }, 120_000);
});
