/**
 * Direct mode cannot corrupt a running workflow (issue 9 item 2, decision 0010), over HTTP:
 * the mutations the issue found — lifecycle fields patched, a blocking job deleted, a blocks
 * edge added after the start, a result under a future attempt's key — are refused or kept
 * consistent, and the workflow still runs to its end through the worker protocol.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultKey } from '../../src/core/keys.js';
import { createApiFixture, runAttempt, startedWorkflow, type ApiFixture } from './api-fixture.js';

let api: ApiFixture;
beforeAll(() => {
  api = createApiFixture();
});
afterAll(async () => api.close());

/** A started workflow a → c ← b, plus d. */
const started = () =>
  startedWorkflow(api, [
    { name: 'a', command: 'true' },
    { name: 'b', command: 'true' },
    { name: 'c', command: 'true', depends_on: ['a', 'b'] },
    { name: 'd', command: 'true' },
  ]);
const runJob = (wf: string, job: string) => runAttempt(api, wf, job);

describe('Direct mode on a running workflow', () => {
  it('refuses lifecycle fields with 422 naming each, and changes nothing', async () => {
    const { wf, key } = await started();
    const res = await api.call('PATCH', `/api/v1/workflows/${wf}/jobs/${key('c')}`, {
      status: 'ready',
      attempt: 2,
      unfinished_blockers: 0,
    });
    expect(res.status, res.text).toBe(422);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual(['status', 'attempt', 'unfinished_blockers']);
    const c = await api.call('GET', `/api/v1/workflows/${wf}/jobs/${key('c')}`);
    expect(c.body).toMatchObject({ status: 'blocked', attempt: 1, unfinished_blockers: 2 });
  });

  it('refuses deleting a blocking job (409 naming the rule) and adding a job', async () => {
    const { wf, key } = await started();
    const res = await api.call('DELETE', `/api/v1/workflows/${wf}/jobs/${key('a')}`);
    expect(res.status, res.text).toBe(409);
    expect(res.body).toMatchObject({ code: 'invalid_state', rule: 'delete-final-jobs-only' });
    expect(res.body.detail).toContain('rule delete-final-jobs-only');
    const late = await api.call('POST', `/api/v1/workflows/${wf}/jobs`, { name: 'late', command: 'true' });
    expect(late.status, late.text).toBe(409);
    expect(late.body.rule).toBe('jobs-only-before-start');
  });

  it('refuses a result under the key of a future attempt', async () => {
    const { wf, key } = await started();
    const res = await api.call('POST', `/api/v1/workflows/${wf}/results`, { _key: resultKey(key('d'), 1), x: 1 });
    expect(res.status, res.text).toBe(422);
    expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual(['_key']);
  });

  it('counts a blocks edge added after the start, refuses a cycle, and the workflow still completes', async () => {
    const { wf, key } = await started();
    const edge = await api.call('POST', `/api/v1/workflows/${wf}/edges/blocks`, {
      _from: `jobs/${key('d')}`,
      _to: `jobs/${key('c')}`,
    });
    expect(edge.status, edge.text).toBe(201);
    expect((await api.call('GET', `/api/v1/workflows/${wf}/jobs/${key('c')}`)).body).toMatchObject({
      status: 'blocked',
      unfinished_blockers: 3,
    });
    const cycle = await api.call('POST', `/api/v1/workflows/${wf}/edges/blocks`, {
      _from: `jobs/${key('c')}`,
      _to: `jobs/${key('d')}`,
    });
    expect(cycle.status, cycle.text).toBe(422);
    expect(cycle.body).toMatchObject({ code: 'dependency_cycle', cycle: ['c', 'd', 'c'] });

    for (const n of ['a', 'b']) await runJob(wf, key(n));
    // Without the counted edge, c would be ready now and run before d.
    expect((await api.call('GET', `/api/v1/workflows/${wf}/jobs/${key('c')}`)).body.status).toBe('blocked');
    await runJob(wf, key('d'));
    await runJob(wf, key('c'));
    expect((await api.store.finishWorkflowIfDone(wf))?.status).toBe('completed');
    const drift = await api.call('GET', `/api/v1/workflows/${wf}/events?type=counter_drift`);
    expect(drift.body.total).toBe(0);
  });
});
