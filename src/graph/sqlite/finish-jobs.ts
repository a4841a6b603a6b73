/**
 * After jobs reach a final state: apply the shared dependents rule (propagate-finished.ts)
 * over `blocks` edges by `_from` (indexed), write the touched dependents back and record
 * any counter drift it found as `counter_drift` events.
 * O(out-degree); never scans the workflow. Caller owns the transaction.
 */
import type { JobStatus } from '../../core/model.js';
import { propagateFinished, type DependentState, type PropagationOutcome } from '../propagate-finished.js';
import { counterDriftEvents } from '../system-events.js';
import { appendEvents } from './append-events.js';
import type { SqliteContext } from './sqlite-context.js';

interface StateRow {
  status: JobStatus;
  unfinished_blockers: number;
  cancel_on_failure: number;
}

export function finishJobs(
  ctx: SqliteContext,
  workflow: string,
  finished: ReadonlyArray<{ job: string; status: JobStatus }>,
): PropagationOutcome {
  const dependents = ctx.stmt("SELECT _to FROM edges INDEXED BY edges_from WHERE _from = ? AND collection = 'blocks'");
  const state = ctx.stmt('SELECT status, unfinished_blockers, cancel_on_failure FROM jobs WHERE _key = ?');
  const outcome = propagateFinished(finished, {
    dependentsOf: (job) => (dependents.all(`jobs/${job}`) as Array<{ _to: string }>).map((r) => r._to.slice(5)),
    stateOf: (job): DependentState | undefined => {
      const row = state.get(job) as StateRow | undefined;
      return (
        row && {
          status: row.status,
          unfinished_blockers: row.unfinished_blockers,
          cancel_on_blocking_job_failure: row.cancel_on_failure === 1,
        }
      );
    },
  });
  const write = ctx.stmt(
    `UPDATE jobs SET status = @status, unfinished_blockers = @n,
     doc = json_set(doc, '$.status', @status, '$.unfinished_blockers', @n) WHERE _key = @job`,
  );
  for (const [job, s] of outcome.updates) write.run({ status: s.status, n: s.unfinished_blockers, job });
  if (outcome.drift.length) appendEvents(ctx, counterDriftEvents(workflow, outcome.drift, new Date().toISOString()));
  return outcome;
}
