/**
 * initializeWorkflow on ArangoDB: read the workflow's jobs and relation edges, plan with
 * the shared pure planner (src/graph/plan-initialization.ts), write derived `blocks`
 * edges, counters, statuses, the workflow state and the `workflow_started` event. One
 * stream transaction, O(V + E).
 */
import { derivedBlocksKeys } from '../../core/keys.js';
import { docId, type JobStatus, type WorkflowDoc } from '../../core/model.js';
import type { InitializeOptions, InitializeOutcome } from '../graph-store.js';
import { checkInitialize, startedWorkflow } from '../lifecycle-rules.js';
import { workflowStartedEvent } from '../system-events.js';
import { planInitialization, type KeyPair } from '../plan-initialization.js';
import { insertMany, type ArangoContext } from './arango-context.js';
import { requireWorkflow } from './workflow-ops.js';
import { updateWorkflowQuery } from './queries/workflow-queries.js';
import type { QueryRunner } from './query-runner.js';

/** `[from key, to key]` of every edge of `collection` in the workflow. */
async function pairs(run: QueryRunner, workflow: string, collection: string): Promise<KeyPair[]> {
  return run.all<KeyPair>({
    query: `
      FOR e IN @@col
        FILTER e.workflow == @wf
        RETURN [PARSE_IDENTIFIER(e._from).key, PARSE_IDENTIFIER(e._to).key]`,
    bindVars: { '@col': collection, wf: workflow },
  });
}

export async function initializeWorkflow(
  ctx: ArangoContext,
  key: string,
  options: InitializeOptions = {},
): Promise<InitializeOutcome> {
  return ctx.transaction(['workflows', 'jobs', 'blocks', 'events'], async (run) => {
    const workflow = await requireWorkflow(run, key);
    checkInitialize(workflow);
    const jobs = await run.all<{ _key: string; name: string; status: JobStatus }>({
      query: `
        FOR j IN jobs
          FILTER j.workflow == @wf
          RETURN { _key: j._key, name: NOT_NULL(j.name, j._key), status: j.status }`,
      bindVars: { wf: key },
    });
    const plan = planInitialization({
      jobs,
      blocks: await pairs(run, key, 'blocks'),
      produces: await pairs(run, key, 'produces'),
      needs: await pairs(run, key, 'needs'),
      stores: await pairs(run, key, 'stores'),
      consumes: await pairs(run, key, 'consumes'),
    });
    const derivedKey = derivedBlocksKeys(key);
    await insertMany(
      run,
      'blocks',
      plan.derivedBlocks.map(([from, to], i) => ({
        _key: derivedKey(i),
        _from: docId('jobs', from),
        _to: docId('jobs', to),
        workflow: key,
      })),
    );
    // Counters and first statuses in batches of one UPDATE query each.
    const BATCH = 5000;
    for (let i = 0; i < plan.jobs.length; i += BATCH) {
      await run.all({
        query: `
          FOR u IN @updates
            UPDATE { _key: u._key } WITH { status: u.status, attempt: 1, unfinished_blockers: u.unfinished_blockers } IN jobs`,
        bindVars: { updates: plan.jobs.slice(i, i + BATCH) },
      });
    }
    const now = new Date().toISOString();
    const { _key, _id, ...started } = startedWorkflow(workflow, options.set, now);
    const next = (await run.one<WorkflowDoc>(updateWorkflowQuery(key, started)))!;
    const outcome = {
      workflow: next,
      ready: plan.ready,
      blocked: plan.blocked,
      derived_blocks: plan.derivedBlocks.length,
    };
    await insertMany(run, 'events', [workflowStartedEvent(outcome, options.event, now)]);
    return outcome;
  });
}
