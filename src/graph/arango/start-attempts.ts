/**
 * startAttempts on ArangoDB, mirroring sqlite/start-attempts.ts: queued → running for a
 * worker, with its compute node and `executed` edge. One stream transaction for the batch.
 */
import { computeNodeKey, executedEdgeKey } from '../../core/keys.js';
import { startRefusal } from '../attempt-admission.js';
import type { StartOutcome, StartRequest } from '../graph-store.js';
import { jobStartedEvent } from '../system-events.js';
import { insertMany, type ArangoContext } from './arango-context.js';
import { inputFilesOf } from './fingerprints.js';
import { readJobState } from './job-state.js';
import { startAttemptQuery } from './queries/start-attempt.js';

export async function startAttempts(ctx: ArangoContext, requests: StartRequest[]): Promise<StartOutcome[]> {
  if (requests.length === 0) return [];
  return ctx.transaction(['jobs', 'compute_nodes', 'executed', 'events'], async (run) => {
    const now = new Date().toISOString();
    const out: StartOutcome[] = [];
    // In order: a later item sees what an earlier one wrote. A concurrent change of the job
    // between the read and the write is a write-write conflict, and the whole batch re-runs.
    for (const r of requests) {
      const refused = startRefusal(r, await readJobState(run, r.job));
      if (refused !== undefined) {
        out.push({ ok: false, reason: refused });
        continue;
      }
      const nodeKey = computeNodeKey(r.workflow, r.worker.worker_id);
      const job = await run.one(
        startAttemptQuery({
          workflow: r.workflow,
          job: r.job,
          attempt: r.attempt,
          node: { _key: nodeKey, workflow: r.workflow, ...r.worker, started_at: now, is_active: true },
          edgeKey: executedEdgeKey(r.job, r.attempt),
          now,
        }),
      );
      out.push({ ok: true, job: job!, compute_node: nodeKey, input_files: await inputFilesOf(run, r.job) });
    }
    const events = out.flatMap((o, i) => (o.ok ? [jobStartedEvent(requests[i]!, o.compute_node, now)] : []));
    if (events.length) await insertMany(run, 'events', events);
    return out;
  });
}
