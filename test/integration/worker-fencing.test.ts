/**
 * Self-fencing on the real stack, with only Redis cut (the API stays reachable): the worker
 * whose heartbeat cannot be renewed terminates its job within the fencing timeout plus the
 * grace, reports it interrupted (so it runs again at once, before any loss could be declared),
 * takes nothing while fenced, and runs the next attempt itself once its heartbeat renews.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, inject, it } from 'vitest';
import type { EventDoc } from '../../src/core/model.js';
import { startWorker, type WorkerHandle } from '../../src/worker/worker.js';
import { alive, until } from '../support/process-probes.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { openWorkerStack, type WorkerStack } from './worker-fixture.js';

const redisUrl = inject('redisUrl');
const GIB = 1024 ** 3;

let stack: WorkerStack | undefined;
let proxy: TcpProxy | undefined;
let worker: WorkerHandle | undefined;
afterEach(async () => {
  proxy?.heal();
  await worker?.stop();
  await stack?.close();
  await proxy?.close();
  stack = proxy = worker = undefined;
});

it('a worker cut off from Redis terminates its job as interrupted, takes nothing while fenced, and resumes once healed', async () => {
  const target = new URL(redisUrl);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  // Heartbeat 0.5 s, key lifetime 1.5 s, fence 1 s.
  stack = await openWorkerStack(redisUrl, {
    workerRedisUrl: proxy.via(redisUrl),
    heartbeat: { intervalMs: 500, ttlMs: 1500, fenceMs: 1000 },
  });
  const wf = await stack.create({
    name: 'fence',
    jobs: [{ name: 'long', command: 'echo $$ > pid.$JOBGRAPH_ATTEMPT; [ "$JOBGRAPH_ATTEMPT" -gt 1 ] || sleep 600' }],
  });
  await stack.start(wf);
  worker = await startWorker({
    apiUrl: stack.api.url,
    num_cpus: 2,
    memory_bytes: GIB,
    num_gpus: 0,
    cwd: stack.dir,
    idlePollMs: 100,
    terminateGraceMs: 300,
    workflow: wf,
  });
  const pidFile = join(stack.dir, 'pid.1');
  await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'), 20_000, 'attempt 1 to run');
  const pid = Number(readFileSync(pidFile, 'utf8'));

  const cutAt = Date.now();
  proxy.cut();
  await until(() => !alive(pid), 10_000, 'the fenced worker to end its job');
  const goneMs = Date.now() - cutAt;
  // Fence (1 s after the last beat, which is at most one interval before the cut) plus the grace, and some slack.
  expect(goneMs).toBeLessThan(3000);

  // The API is reachable: the report gets through at once, the job is queued again as attempt 2.
  const store = stack.store;
  const interrupted = async () =>
    (await store.listDocuments(wf, 'events', { filter: { type: 'attempt_interrupted' } })).items as EventDoc[];
  const deadline = Date.now() + 10_000;
  while ((await interrupted()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  expect(await interrupted()).toEqual([
    expect.objectContaining({ attempt: 1, next_attempt: 2, reason: expect.stringMatching(/^interrupted: fenced: /) }),
  ]);
  const result1 = (await stack.results(wf)).get((await stack.jobs(wf)).get('long')!._key)!;
  expect(result1).toMatchObject({ attempt: 1, status: 'terminated' });

  const healAt = Date.now();
  proxy.heal();
  expect(await worker.done).toBe(0);
  expect(existsSync(join(stack.dir, 'pid.2'))).toBe(true);
  const long = (await stack.jobs(wf)).get('long')!;
  expect(long).toMatchObject({ status: 'completed', attempt: 2 });
  // Run again here, after the heal: the same worker's compute node.
  const starts = (await store.listDocuments(wf, 'events', { filter: { type: 'job_started' } })).items as EventDoc[];
  expect(starts.map((e) => [e.attempt, e.worker_id])).toEqual([
    [1, worker.workerId],
    [2, worker.workerId],
  ]);
  // Not while fenced: only once the heal let its heartbeat renew.
  expect(Date.parse(starts[1]!.timestamp)).toBeGreaterThanOrEqual(healAt);
  console.log(`fenced worker (heartbeat 0.5 s, fence 1 s, grace 0.3 s): job gone ${goneMs} ms after the cut`);
}, 60_000);
