/**
 * The worker protocol's in-process calls (`jobgraph run`'s worker) against the same real store
 * and Redis as the routes: the same answers, events and scheduler hint as over HTTP, the same
 * refusal of a bad body (changing nothing), and never for an API with authentication.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessWorkerApi } from '../../src/api/in-process-worker-api.js';
import { ValidationError } from '../../src/core/errors.js';
import type { InProcessWorkerApi } from '../../src/core/schemas/worker-protocol.js';
import { createApiFixture, startedWorkflow, TEST_WORKER, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
let direct: InProcessWorkerApi;
beforeAll(() => {
  api = createApiFixture();
  direct = inProcessWorkerApi({
    store: api.store,
    notifier: api.notifier,
    redisUrl: api.redisUrl,
    queuePrefix: api.prefix,
  });
});
afterAll(async () => api.close());

/** A started workflow `a → b`, `a` claimed as attempt 1. */
async function claimedChain(): Promise<{ wf: string; a: string; b: string }> {
  const { wf, key } = await startedWorkflow(api, [
    { name: 'a', command: 'echo a' },
    { name: 'b', command: 'echo b', depends_on: ['a'] },
  ]);
  const claimed = await api.store.claimReady(10, wf);
  expect(claimed.map((c) => c.job)).toEqual([key('a')]);
  return { wf, a: key('a'), b: key('b') };
}

/** Every key of a workflow replaced by its role, and every time by `<time>`, so two workflows' answers compare. */
function neutral(value: unknown, keys: Record<string, string>): unknown {
  let text = JSON.stringify(value).replace(/"\d{4}-\d\d-\d\dT[\d:.]+Z"/g, '"<time>"');
  for (const [role, key] of Object.entries(keys)) text = text.replaceAll(key, `<${role}>`);
  return JSON.parse(text);
}

describe('the in-process worker API', () => {
  it('answers start, complete and status as the HTTP routes do, with the same events and hint', async () => {
    const announced: string[] = [];
    await api.notifier.subscribe('ready', (names) => announced.push(...names));
    const result = (wf: string, job: string, node: string) => ({
      workflow: wf,
      job,
      attempt: 1,
      status: 'completed' as const,
      return_code: 0,
      exec_time_s: 0.5,
      completion_time: '2026-12-02T00:00:00.000Z',
      compute_node: node,
    });

    // One workflow over HTTP, one in process, the same calls in the same order.
    const viaHttp = await claimedChain();
    const httpStart = await api.call('POST', '/api/v1/attempts/start', {
      worker: TEST_WORKER,
      attempts: [{ workflow: viaHttp.wf, job: viaHttp.a, attempt: 1 }],
    });
    const httpNode = httpStart.body.outcomes[0].compute_node as string;
    const httpDone = await api.call('POST', '/api/v1/attempts/complete', {
      results: [result(viaHttp.wf, viaHttp.a, httpNode)],
    });
    const httpAgain = await api.call('POST', '/api/v1/attempts/complete', {
      results: [result(viaHttp.wf, viaHttp.a, httpNode)],
    });
    const httpStatus = await api.call('GET', `/api/v1/workflows/${viaHttp.wf}/status`);

    const inProcess = await claimedChain();
    const start = await direct.startAttempts({
      worker: TEST_WORKER,
      attempts: [{ workflow: inProcess.wf, job: inProcess.a, attempt: 1 }],
    });
    const first = start.outcomes[0]!;
    expect(first).toMatchObject({ ok: true, job: { _key: inProcess.a, command: 'echo a' } });
    const node = first.ok ? first.compute_node : '';
    const done = await direct.completeAttempts({ results: [result(inProcess.wf, inProcess.a, node)] });
    expect(done.outcomes).toEqual([{ ok: true, duplicate: false, result: `${inProcess.a}-a1`, newly_ready: 1 }]);
    const again = await direct.completeAttempts({ results: [result(inProcess.wf, inProcess.a, node)] });
    const status = await direct.workflowStatus(inProcess.wf);

    const http = { start: httpStart.body, done: httpDone.body, again: httpAgain.body, status: httpStatus.body };
    const mine = { start, done, again, status };
    expect(neutral(mine, { wf: inProcess.wf, a: inProcess.a, b: inProcess.b, node })).toEqual(
      neutral(http, { wf: viaHttp.wf, a: viaHttp.a, b: viaHttp.b, node: httpNode }),
    );

    // The store wrote the same events (once each, despite the repeated completion).
    const types = async (wf: string) =>
      (await api.call('GET', `/api/v1/workflows/${wf}/events?source=system&limit=100`)).body.items
        .map((e: { type: string }) => e.type)
        .sort();
    expect(await types(inProcess.wf)).toEqual(await types(viaHttp.wf));
    expect((await types(inProcess.wf)).filter((t: string) => t === 'job_completed')).toHaveLength(1);
    // The scheduler hears of both workflows.
    await expect.poll(() => announced).toEqual(expect.arrayContaining([viaHttp.wf, inProcess.wf]));
  });

  it('refuses a bad body as the route would, naming the field, and changes nothing', async () => {
    const { wf, a } = await claimedChain();
    const before = await api.store.getDocument(wf, 'jobs', a);
    const refused = await direct
      .startAttempts({ worker: TEST_WORKER, attempts: [{ workflow: wf, job: a, attempt: 0 }] })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).message).toMatch(/^attempts\[0\]\.attempt: /);
    const http = await api.call('POST', '/api/v1/attempts/start', {
      worker: TEST_WORKER,
      attempts: [{ workflow: wf, job: a, attempt: 0 }],
    });
    expect(http.status).toBe(422);
    expect(http.body.issues).toEqual((refused as ValidationError).issues);
    expect(await api.store.getDocument(wf, 'jobs', a)).toEqual(before);
  });

  it('is not made for an API with authentication (it runs no token check)', () => {
    expect(() =>
      inProcessWorkerApi({ store: api.store, redisUrl: api.redisUrl, queuePrefix: api.prefix, auth: {} }),
    ).toThrow(/authentication/);
  });
});
