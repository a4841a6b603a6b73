/**
 * initializeWorkflow: read the workflow's jobs and relation edges, plan with the shared
 * pure planner, write derived `blocks` edges, counters, statuses and the `workflow_started`
 * event. One transaction, O(V + E).
 */
import { derivedBlocksKeys } from '../../core/keys.js';
import { docId, type JobStatus } from '../../core/model.js';
import type { InitializeOptions, InitializeOutcome } from '../graph-store.js';
import { checkInitialize, startedWorkflow } from '../lifecycle-rules.js';
import { planInitialization, type KeyPair } from '../plan-initialization.js';
import { workflowStartedEvent } from '../system-events.js';
import { appendEvents } from './append-events.js';
import { insertEdgeRow } from './doc-rows.js';
import type { SqliteContext } from './sqlite-context.js';
import { replaceWorkflow, requireWorkflow } from './workflow-rows.js';

const keyOf = (id: string) => id.slice(id.indexOf('/') + 1);

function pairs(ctx: SqliteContext, workflow: string, collection: string): KeyPair[] {
  const rows = ctx
    .stmt('SELECT _from, _to FROM edges WHERE workflow = ? AND collection = ?')
    .all(workflow, collection) as Array<{ _from: string; _to: string }>;
  return rows.map((r) => [keyOf(r._from), keyOf(r._to)] as const);
}

export function initializeWorkflow(
  ctx: SqliteContext,
  key: string,
  options: InitializeOptions = {},
): InitializeOutcome {
  return ctx.write(() => {
    const workflow = requireWorkflow(ctx, key);
    checkInitialize(workflow);
    const jobs = ctx.stmt('SELECT _key, name, status FROM jobs WHERE workflow = ?').all(key) as Array<{
      _key: string;
      name: string;
      status: JobStatus;
    }>;
    const plan = planInitialization({
      jobs,
      blocks: pairs(ctx, key, 'blocks'),
      produces: pairs(ctx, key, 'produces'),
      needs: pairs(ctx, key, 'needs'),
      stores: pairs(ctx, key, 'stores'),
      consumes: pairs(ctx, key, 'consumes'),
    });
    const derivedKey = derivedBlocksKeys(key);
    plan.derivedBlocks.forEach(([from, to], i) => {
      insertEdgeRow(ctx, 'blocks', { _key: derivedKey(i), _from: docId('jobs', from), _to: docId('jobs', to) }, key);
    });
    const update = ctx.stmt(
      `UPDATE jobs SET status = @status, attempt = 1, unfinished_blockers = @n,
       doc = json_set(doc, '$.status', @status, '$.attempt', 1, '$.unfinished_blockers', @n) WHERE _key = @job`,
    );
    for (const job of plan.jobs) update.run({ status: job.status, n: job.unfinished_blockers, job: job._key });
    const now = new Date().toISOString();
    const next = startedWorkflow(workflow, options.set, now);
    replaceWorkflow(ctx, next);
    const outcome = {
      workflow: next,
      ready: plan.ready,
      blocked: plan.blocked,
      derived_blocks: plan.derivedBlocks.length,
    };
    appendEvents(ctx, [workflowStartedEvent(outcome, options.event, now)]);
    return outcome;
  });
}
