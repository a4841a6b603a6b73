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
import { rowidRanges } from './rowid-ranges.js';
import { replaceWorkflow, requireWorkflow } from './workflow-rows.js';

const keyOf = (id: string) => id.slice(id.indexOf('/') + 1);

function pairs(ctx: SqliteContext, workflow: string, collection: string): KeyPair[] {
  // Rows as arrays, turned into key pairs in place: one array per edge for a million edges, not three.
  // (Raw mode sticks to the statement; this SQL text is used nowhere else.)
  const rows = ctx
    .stmt('SELECT _from, _to FROM edges WHERE workflow = ? AND collection = ? /* pairs */')
    .raw(true)
    .all(workflow, collection) as Array<[string, string]>;
  for (const row of rows) {
    row[0] = keyOf(row[0]);
    row[1] = keyOf(row[1]);
  }
  return rows;
}

export function initializeWorkflow(
  ctx: SqliteContext,
  key: string,
  options: InitializeOptions = {},
): InitializeOutcome {
  return ctx.write(() => {
    const workflow = requireWorkflow(ctx, key);
    checkInitialize(workflow);
    const jobs = ctx.stmt('SELECT rowid, _key, name, status FROM jobs WHERE workflow = ?').all(key) as Array<{
      rowid: number;
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
    // Every job the plan covers (all but the disabled) becomes ready, then the blocked ones get
    // their counters: in a sweep nearly all jobs are ready, and a statement per range of
    // rowids beats a million statement calls. Not one UPDATE for the workflow: found through
    // the status index it changes, SQLite first copies every matching row to a temporary table
    // (in memory: ~400 MB at a million jobs); walked by rowid (`+workflow` keeps the planner off
    // that index), rows are changed in place.
    const ready = ctx.stmt(
      `UPDATE jobs SET status = 'ready', attempt = 1, unfinished_blockers = 0,
       doc = json_set(doc, '$.status', 'ready', '$.attempt', 1, '$.unfinished_blockers', 0)
       WHERE rowid BETWEEN ? AND ? AND +workflow = ? AND status <> 'disabled'`,
    );
    for (const [first, last] of rowidRanges(jobs.map((j) => j.rowid))) ready.run(first, last, key);
    const block = ctx.stmt(
      `UPDATE jobs SET status = 'blocked', unfinished_blockers = @n,
       doc = json_set(doc, '$.status', 'blocked', '$.unfinished_blockers', @n) WHERE _key = @job`,
    );
    for (const job of plan.jobs) if (job.status === 'blocked') block.run({ n: job.unfinished_blockers, job: job._key });
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
