/**
 * `POST /api/v1/workflows/{wf}/restart` (decision 0007): reset the given jobs (or, with
 * `failed_only`, the failed ones and their downstream) to a new attempt, record
 * `workflow_restarted`, and wake the scheduler.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../core/errors.js';
import type { GraphStore } from '../../graph/graph-store.js';
import type { JobStatus } from '../../core/model.js';
import { planRestart, summarizeReasons, type RestartSelection } from '../../graph/plan-restart.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { workflowParam } from '../common/document-schema.js';
import { MAX_LIMIT } from '../../graph/list-paging.js';
import { problems } from '../common/problem-schema.js';
import { RestartOutcomeSchema, RestartRequestSchema } from './restart-schema.js';
import { RESTART_EXAMPLE } from '../common/request-examples.js';
import { workflowOf } from '../common/resolve-params.js';

const route = createRoute({
  method: 'post',
  path: '/api/v1/workflows/{wf}/restart',
  operationId: 'restartWorkflow',
  tags: ['workflows'],
  summary: 'Run jobs of a finished or running workflow again (new attempts; earlier results are kept)',
  description:
    'Each job goes back to `ready` (or `blocked` behind another reset or unfinished job) at attempt + 1 and the ' +
    'workflow becomes `running`. Event `workflow_restarted`, written with the change. With `request_id`, a repeat ' +
    'changes nothing and answers the first outcome. 409 `invalid_state` when the workflow was never ' +
    'started or a job is queued, running or disabled; 404 for an unknown job.',
  request: {
    params: z.object({ wf: workflowParam }),
    body: {
      required: true,
      content: { 'application/json': { schema: RestartRequestSchema, example: RESTART_EXAMPLE } },
    },
  },
  responses: {
    200: { description: 'Restarted', content: { 'application/json': { schema: RestartOutcomeSchema } } },
    ...problems(400, 413, 404, 409, 415, 422),
  },
});

/** Every item of a paged store list. */
async function readAll<T>(page: (offset: number) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const { items, total } = await page(out.length);
    out.push(...items);
    if (items.length === 0 || out.length >= total) return out;
  }
}

/**
 * The server-side plan, from statuses and `blocks` only: the failed jobs (`failed_only`) or
 * the requested ones, and everything downstream of them — so a restart never leaves a
 * completed job standing on a blocker that runs again.
 * @throws NotFoundError for a requested job that is not in the workflow
 */
async function planOnServer(
  store: GraphStore,
  wf: string,
  choice: { failedOnly: true } | { requested: readonly string[] },
): Promise<RestartSelection[]> {
  const jobs = await readAll((offset) => store.listDocuments(wf, 'jobs', { offset, limit: MAX_LIMIT }));
  if ('requested' in choice) {
    const known = new Set(jobs.map((j) => j._key));
    const unknown = choice.requested.find((key) => !known.has(key));
    if (unknown !== undefined) throw new NotFoundError('jobs', unknown);
  }
  const blocks = await readAll((offset) => store.listEdges(wf, 'blocks', { offset, limit: MAX_LIMIT }));
  const keyOf = (id: string) => id.slice(id.indexOf('/') + 1);
  return planRestart({
    jobs: jobs.map((j) => ({ _key: j._key, name: String(j.name), status: j.status as JobStatus })),
    blocks: blocks.map((e) => [keyOf(e._from), keyOf(e._to)] as const),
    ...choice,
  });
}

/** The plan of a repeated request: the jobs the first one reset (their per-job reasons were not kept). */
async function repeatedPlan(store: GraphStore, wf: string, reset: readonly string[]): Promise<RestartSelection[]> {
  const names = new Map(
    (await readAll((offset) => store.listDocuments(wf, 'jobs', { offset, limit: MAX_LIMIT }))).map((j) => [
      j._key,
      String(j.name),
    ]),
  );
  return reset.map((job) => ({
    job,
    name: names.get(job) ?? job,
    reasons: ['restarted by an earlier request with this request_id'],
  }));
}

export function restartWorkflowRoute(app: ApiApp, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const wf = await workflowOf(deps, c.req.valid('param').wf);
    const body = c.req.valid('json');
    // Checked first so an unknown workflow is a 404 whichever way the jobs are chosen.
    await deps.store.getWorkflow(wf);
    const plan = await planOnServer(
      deps.store,
      wf,
      body.failed_only ? { failedOnly: true } : { requested: body.jobs ?? [] },
    );
    const jobs = plan.map((s) => s.job);
    const outcome = await deps.store.restartJobs(wf, jobs, {
      ...(body.request_id !== undefined && { request_id: body.request_id }),
      // The CLI sends the reasons it found (changed inputs, missing outputs); else the plan's own.
      event: { reasons: body.reasons ?? summarizeReasons(plan) },
    });
    if (outcome.reset.length > 0) {
      // Again on a repeat: the first answer may have been lost before its hint went out.
      await deps.notifier?.publish('ready', [wf]).catch((err: unknown) => {
        deps.logger?.warn({ err }, 'could not publish the restarted workflow');
      });
      deps.logger?.info({ workflow: wf, jobs: outcome.reset.length, repeated: outcome.repeated }, 'workflow restarted');
    }
    const workflow = await deps.store.getWorkflow(wf);
    const answered = outcome.repeated ? await repeatedPlan(deps.store, wf, outcome.reset) : plan;
    return c.json({ workflow, ...outcome, plan: answered }, 200);
  });
}
