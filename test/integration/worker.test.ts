/**
 * The worker end to end: a real API over a real SQLite store, the real scheduler, real
 * Redis queues, real shell commands.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { docId } from '../../src/core/model.js';
import { JobProducer } from '../../src/queue/job-producer.js';
import { promoteReady } from '../../src/scheduler/promote-ready-jobs.js';
import { startWorker, type WorkerHandle } from '../../src/worker/worker.js';
import { waitFor } from '../e2e/support/cli.js';
import { maxOverlap, openWorkerStack, type WorkerStack } from './worker-fixture.js';

const GIB = 1024 ** 3;
const redisUrl = inject('redisUrl');

let stack: WorkerStack;
const workers: WorkerHandle[] = [];
beforeEach(async () => {
  stack = await openWorkerStack(redisUrl);
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await stack.close();
});

async function worker(num_cpus: number, workflow?: string): Promise<WorkerHandle> {
  const handle = await startWorker({
    apiUrl: stack.api.url,
    num_cpus,
    memory_bytes: 64 * GIB,
    num_gpus: 0,
    workflow,
    cwd: stack.dir,
    idlePollMs: 100,
    terminateGraceMs: 2000,
  });
  workers.push(handle);
  return handle;
}

describe('worker', () => {
  it('runs a diamond to the end: results, executed edges, dependency order', async () => {
    const wf = await stack.create({
      name: 'diamond',
      jobs: [
        { name: 'a', command: 'echo a > a.txt' },
        { name: 'b', command: 'cat a.txt > b.txt && echo b >> b.txt', depends_on: ['a'] },
        { name: 'c', command: 'cat a.txt > c.txt && echo c >> c.txt', depends_on: ['a'] },
        { name: 'd', command: 'cat b.txt c.txt; echo "job=$JOBGRAPH_JOB_NAME"', depends_on: ['b', 'c'] },
      ],
    });
    const handle = await worker(4, wf);
    await stack.start(wf);
    expect(await handle.done).toBe(0);

    const jobs = await stack.jobs(wf);
    const results = await stack.results(wf);
    expect([...jobs.values()].map((j) => j.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    for (const job of jobs.values()) {
      const result = results.get(job._key);
      expect(result).toMatchObject({ status: 'completed', return_code: 0, attempt: 1 });
    }
    const node = `${wf}-${handle.workerId}`;
    const executed = await stack.edges(wf, 'executed');
    expect(executed.map((e) => e._from)).toEqual(Array(4).fill(docId('compute_nodes', node)));
    expect(executed.map((e) => e._to).sort()).toEqual([...jobs.values()].map((j) => j._id).sort());
    expect(await stack.edges(wf, 'returned')).toHaveLength(4);

    // d started only after both b and c had finished, and saw their outputs.
    const d = jobs.get('d')!;
    for (const blocker of ['b', 'c']) {
      const done = Date.parse(results.get(jobs.get(blocker)!._key)!.completion_time);
      expect(Date.parse(d.started_at as string)).toBeGreaterThanOrEqual(done);
    }
    const dOut = await readFile(results.get(d._key)!.stdout_path!, 'utf8');
    expect(dOut).toBe('a\nb\na\nc\njob=d\n');
    expect(results.get(d._key)!.stdout_path).toBe(join(stack.dir, '.jobgraph', 'logs', wf, `${d._key}.a1.out`));
  });

  it('along a chain it asks whether the workflow is over only when nothing more is coming, and ends at once', async () => {
    const wf = await stack.create({
      name: 'chain',
      jobs: Array.from({ length: 6 }, (_, i) => ({
        name: `c${i}`,
        command: 'true',
        ...(i > 0 && { depends_on: [`c${i - 1}`] }),
      })),
    });
    const statusAsked: number[] = [];
    const handle = await startWorker({
      apiUrl: stack.api.url,
      apiFetch: (url, init) => {
        if (url.endsWith(`/workflows/${wf}/status`)) statusAsked.push(Date.now());
        return fetch(url, init);
      },
      num_cpus: 2,
      memory_bytes: 4 * GIB,
      num_gpus: 0,
      workflow: wf,
      cwd: stack.dir,
      // Long: an idle poll in the middle of the chain would ask too, and this counts the asks.
      idlePollMs: 60_000,
    });
    workers.push(handle);
    await stack.start(wf);
    const ended = await Promise.race([handle.done, new Promise((r) => setTimeout(() => r('still running'), 20_000))]);
    expect(ended).toBe(0);
    const jobs = [...(await stack.jobs(wf)).values()];
    expect(jobs.every((j) => j.status === 'completed')).toBe(true);
    // Each link's completion made the next job ready: no ask there. One after the last one (it
    // ended the worker without waiting for an idle poll), and perhaps one before the first job was queued.
    expect(statusAsked.length).toBeGreaterThanOrEqual(1);
    expect(statusAsked.length).toBeLessThanOrEqual(2);
  });

  it('busy on one queue, it still finds within an idle poll a queue whose `queued` hint it never heard', async () => {
    const a = await stack.create({
      name: 'sweep',
      resource_requirements: [{ name: 'a', num_cpus: 1, memory: '100m' }],
      jobs: [{ name: 'a{i}', command: 'sleep 0.2', resource_requirements: 'a', parameters: { i: '1:30' } }],
    });
    const b = await stack.create({
      name: 'unheard',
      resource_requirements: [{ name: 'b', num_cpus: 1, memory: '200m' }],
      jobs: [{ name: 'b', command: 'true', resource_requirements: 'b' }],
    });
    await worker(2); // serves every workflow; idle poll 100 ms
    await stack.start(a);
    await waitFor(
      async () => ((await stack.results(a)).size >= 2 ? true : undefined),
      20_000,
      'the worker running the sweep',
    );
    // b's job queued with its hint lost: promoted with a notifier that publishes nothing.
    const producer = new JobProducer({ redisUrl, prefix: stack.prefix });
    try {
      await stack.store.initializeWorkflow(b);
      const queued = await promoteReady(
        { store: stack.store, producer, notifier: { publish: async () => {} } },
        { workflow: b },
      );
      expect(queued.promoted).toBe(1);
    } finally {
      await producer.close();
    }
    const bDone = await waitFor(async () => [...(await stack.results(b)).values()][0], 20_000, "b's job completed");
    // Found by a full round at the latest one idle poll later, not once the sweep ran out (3 s of work).
    const aLeft = [...(await stack.jobs(a)).values()].filter((j) => j.status !== 'completed').length;
    expect(bDone.status).toBe('completed');
    expect(aLeft).toBeGreaterThan(5);
  });

  it('packs jobs by CPUs: never more than 4 one-CPU jobs at once on a 4-CPU worker', async () => {
    const wf = await stack.create({
      name: 'packing',
      jobs: [{ name: 'j{i}', command: 'sleep 1', parameters: { i: '1:8' } }],
    });
    const handle = await worker(4, wf);
    await stack.start(wf);
    expect(await handle.done).toBe(0);

    const jobs = [...(await stack.jobs(wf)).values()];
    const results = await stack.results(wf);
    expect(jobs).toHaveLength(8);
    const intervals = jobs.map((j): [number, number] => {
      expect(j.status).toBe('completed');
      return [Date.parse(j.started_at as string), Date.parse(results.get(j._key)!.completion_time)];
    });
    const overlap = maxOverlap(intervals);
    expect(overlap).toBeLessThanOrEqual(4);
    // It does run them side by side, not one by one.
    expect(overlap).toBeGreaterThan(1);
  });

  it('reports a failed command as failed, with its exit code', async () => {
    const wf = await stack.create({ name: 'fails', jobs: [{ name: 'bad', command: 'echo nope >&2; exit 7' }] });
    const handle = await worker(1, wf);
    await stack.start(wf);
    expect(await handle.done).toBe(0);
    const bad = (await stack.jobs(wf)).get('bad')!;
    expect(bad.status).toBe('failed');
    const result = (await stack.results(wf)).get(bad._key)!;
    expect(result).toMatchObject({ status: 'failed', return_code: 7 });
    expect(await readFile(result.stderr_path!, 'utf8')).toBe('nope\n');
    expect((await stack.store.getWorkflow(wf)).status).toBe('failed');
  });

  it('takes only jobs that fit: a 4-CPU job waits on a 2-CPU worker, runs on a 4-CPU one', async () => {
    const wf = await stack.create({
      name: 'fit',
      resource_requirements: [{ name: 'big', num_cpus: 4, memory: '1g' }],
      jobs: [
        { name: 'small', command: 'true' },
        { name: 'large', command: 'true', resource_requirements: 'big' },
      ],
    });
    const small = await worker(2); // serves every workflow, never exits on its own
    await stack.start(wf);
    await waitFor(
      async () => ((await stack.jobs(wf)).get('small')!.status === 'completed' ? true : undefined),
      6000,
      'the small job completed',
    );

    const big = await worker(4, wf);
    expect(await big.done).toBe(0);
    const jobs = await stack.jobs(wf);
    expect(jobs.get('large')!.status).toBe('completed');
    // Over the whole run, not at one instant: `large` was already queued when the small worker
    // took `small` (so it passed `large` over), and its one start is the big worker's.
    const starts = (await stack.store.listDocuments(wf, 'events', { filter: { type: 'job_started' } })).items;
    const startsOf = (name: string) => starts.filter((e) => e.job === jobs.get(name)!._key);
    expect(startsOf('large')).toEqual([expect.objectContaining({ attempt: 1, worker_id: big.workerId })]);
    expect(startsOf('small')).toEqual([expect.objectContaining({ attempt: 1, worker_id: small.workerId })]);
    const queuedAt = String(jobs.get('large')!.queued_at);
    expect(Date.parse(queuedAt)).toBeLessThanOrEqual(Date.parse(String(startsOf('small')[0]!.timestamp)));
    const executed = await stack.edges(wf, 'executed');
    const byJob = new Map(executed.map((e) => [e._to, e._from]));
    expect(byJob.get(jobs.get('large')!._id)).toBe(docId('compute_nodes', `${wf}-${big.workerId}`));
    expect(byJob.get(jobs.get('small')!._id)).toBe(docId('compute_nodes', `${wf}-${small.workerId}`));
  });

  it('ends with exit code 1 when the workflow it serves is deleted', async () => {
    const wf = await stack.create({ name: 'deleted', jobs: [{ name: 'never', command: 'true' }] });
    const handle = await worker(1, wf); // not started: the worker waits
    await stack.store.deleteWorkflow(wf);
    expect(await handle.done).toBe(1);
  });

  it('stop() mid-job terminates the running job and reports it terminated', async () => {
    const wf = await stack.create({
      name: 'stop',
      jobs: [{ name: 'long', command: 'echo started; sleep 300' }],
    });
    const handle = await worker(2, wf);
    await stack.start(wf);
    await waitFor(
      async () => ((await stack.jobs(wf)).get('long')!.status === 'running' ? true : undefined),
      10_000,
      'the job running',
    );

    await handle.stop('test');
    expect(await handle.done).toBe(0);
    const long = (await stack.jobs(wf)).get('long')!;
    expect(long.status).toBe('terminated');
    const result = (await stack.results(wf)).get(long._key)!;
    expect(result).toMatchObject({ status: 'terminated', return_code: 143, attempt: 1 });
  });
});
