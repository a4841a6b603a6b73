/**
 * After jobs reach a final state: apply the shared dependents rule
 * (src/graph/propagate-finished.ts), write the touched dependents back and record any
 * counter drift as `counter_drift` events. Caller owns the transaction (writing `events`); O(out-degree) reads per finished or cascaded job, never a workflow scan.
 */
import type { JobStatus } from '../../core/model.js';
import { propagateFinished, type DependentState, type PropagationOutcome } from '../propagate-finished.js';
import { cancelsOnBlockerFailure } from '../job-defaults.js';
import { dependentsQuery, writeJobStatesQuery } from './queries/job-state.js';
import { counterDriftEvents } from '../system-events.js';
import { insertMany } from './arango-context.js';
import type { QueryRunner } from './query-runner.js';

export async function finishJobs(
  run: QueryRunner,
  workflow: string,
  finished: ReadonlyArray<{ job: string; status: JobStatus }>,
): Promise<PropagationOutcome> {
  const dependents = new Map<string, string[]>();
  const states = new Map<string, DependentState | undefined>();
  let toLoad = [...new Set(finished.map((f) => f.job))];
  // The shared rule wants a synchronous view of the graph. Load what it asks for, run it,
  // and when a cancellation cascades to a job whose dependents are not loaded yet, load
  // those and run it again: one round trip per cascade level, the rule itself stays pure.
  for (;;) {
    for (const row of await run.all(dependentsQuery(toLoad))) {
      dependents.set(
        row.job,
        row.dependents.map((d) => d.key),
      );
      for (const d of row.dependents) {
        if (states.has(d.key)) continue;
        states.set(
          d.key,
          d.state === null
            ? undefined
            : {
                status: d.state.status,
                unfinished_blockers: typeof d.state.unfinished_blockers === 'number' ? d.state.unfinished_blockers : 0,
                cancel_on_blocking_job_failure: cancelsOnBlockerFailure(d.state),
              },
        );
      }
    }
    const missing = new Set<string>();
    const outcome = propagateFinished(finished, {
      dependentsOf: (job) => {
        const known = dependents.get(job);
        if (!known) missing.add(job);
        return known ?? [];
      },
      stateOf: (job) => states.get(job),
    });
    if (missing.size === 0) {
      const updates = [...outcome.updates].map(([key, s]) => ({
        key,
        status: s.status,
        unfinished_blockers: s.unfinished_blockers,
      }));
      if (updates.length) await run.all(writeJobStatesQuery(updates));
      if (outcome.drift.length)
        await insertMany(run, 'events', counterDriftEvents(workflow, outcome.drift, new Date().toISOString()));
      return outcome;
    }
    toLoad = [...missing];
  }
}
