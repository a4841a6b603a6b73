/**
 * The worker across an API restart: a completion made while the API is down is kept and
 * delivered once it is back, exactly once.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, inject, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { serveApi, type RunningApi } from '../../src/api/serve.js';
import { silentLogger } from '../../src/core/logger.js';
import { startWorker, type WorkerHandle } from '../../src/worker/worker.js';
import { openWorkerStack, type WorkerStack } from './worker-fixture.js';

const redisUrl = inject('redisUrl');
let stack: WorkerStack;
let restarted: RunningApi | undefined;
const workers: WorkerHandle[] = [];

beforeEach(async () => {
  stack = await openWorkerStack(redisUrl);
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await restarted?.close();
  restarted = undefined;
  await stack.close();
});

async function until(what: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000 && !(await what()); i++) await new Promise((r) => setTimeout(r, 20));
}

it('keeps a completion while the API is down and delivers it once it is back', async () => {
  const wf = await stack.create({
    name: 'api-restart',
    // The job waits for a go file, so the test decides when it ends: after the API is gone.
    jobs: [{ name: 'wait', command: 'while [ ! -f go ]; do sleep 0.05; done; echo done' }],
  });
  const handle = await startWorker({
    apiUrl: stack.api.url,
    num_cpus: 1,
    memory_bytes: 4 * 1024 ** 3,
    num_gpus: 0,
    workflow: wf,
    cwd: stack.dir,
    idlePollMs: 50,
  });
  workers.push(handle);
  await stack.start(wf);
  await until(async () => (await stack.jobs(wf)).get('wait')!.status === 'running');
  expect((await stack.jobs(wf)).get('wait')!.status).toBe('running');

  const port = Number(new URL(stack.api.url).port);
  await stack.api.close();
  await writeFile(join(stack.dir, 'go'), '');
  const job = (await stack.jobs(wf)).get('wait')!;
  // The job has ended (its output is written) while the API is down.
  await until(
    async () =>
      (await readFile(join(stack.dir, '.jobgraph', 'logs', wf, `${job._key}.a1.out`), 'utf8').catch(() => '')) ===
      'done\n',
  );
  expect((await stack.jobs(wf)).get('wait')!.status).toBe('running');

  const app = createApp({
    store: stack.store,
    redisUrl,
    queuePrefix: stack.prefix,
    logger: silentLogger,
    dashboard: false,
  });
  restarted = await serveApi(app, { host: '127.0.0.1', port });
  expect(await handle.done).toBe(0);
  expect((await stack.jobs(wf)).get('wait')!.status).toBe('completed');
  const results = await stack.results(wf);
  expect(results.size).toBe(1);
  expect(results.get(job._key)).toMatchObject({ status: 'completed', return_code: 0 });
});
