/**
 * startAttempts on ArangoDB, mirroring sqlite/start-attempts.ts: queued → running for a
 * worker, with its compute node and `executed` edge. One stream transaction for the batch.
 * A repeat of a start already running on the same compute node is answered again, nothing written.
 */
import { computeNodeKey, executedEdgeKey } from '../../core/keys.js';
import { docId, type JobDoc } from '../../core/model.js';
import { admitStart } from '../attempt-admission.js';
import type { StartOutcome, StartRequest } from '../graph-store.js';
import { jobStartedEvent } from '../system-events.js';
import { insertMany, type ArangoContext } from './arango-context.js';
import { inputFilesOf } from './fingerprints.js';
import { readExecutedFrom, readJobDoc, readJobState } from './job-state.js';
import { startAttemptQuery } from './queries/start-attempt.js';

export async function startAttempts(ctx: ArangoContext, requests: StartRequest[]): Promise<StartOutcome[]> {
  if (requests.length === 0) return [];
  return ctx.transaction(['jobs', 'compute_nodes', 'executed', 'events'], async (run) => {
    const now = new Date().toISOString();
    const out: StartOutcome[] = [];
    // In order: a later item sees what an earlier one wrote. A concurrent change of the job
    // between the read and the write is a write-write conflict, and the whole batch re-runs.
    for (const r of requests) {
      const nodeKey = computeNodeKey(r.workflow, r.worker.worker_id);
      const state = await readJobState(run, r.job);
      const executedFrom = state?.status === 'running' ? await readExecutedFrom(run, r.job, r.attempt) : undefined;
      const admission = admitStart(r, { job: state, executedFrom, node: docId('compute_nodes', nodeKey) });
      if (admission.kind === 'refused') {
        out.push({ ok: false, reason: admission.reason });
        continue;
      }
      if (admission.kind === 'repeat') {
        const doc = (await readJobDoc(run, r.job)) as unknown as JobDoc;
        out.push({
          ok: true,
          repeated: true,
          job: doc,
          compute_node: nodeKey,
          input_files: await inputFilesOf(run, r.job),
        });
        continue;
      }
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
    const events = out.flatMap((o, i) =>
      o.ok && !o.repeated ? [jobStartedEvent(requests[i]!, o.compute_node, now)] : [],
    );
    if (events.length) await insertMany(run, 'events', events);
    return out;
  });
}
