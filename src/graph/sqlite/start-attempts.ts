/**
 * startAttempts: queued → running for a worker, with its compute node and `executed` edge.
 * A repeated start of an attempt already running on the same compute node (a retry after a
 * lost answer) is answered as the first was, and writes nothing (attempt-admission.ts).
 */
import { computeNodeKey, executedEdgeKey } from '../../core/keys.js';
import type { ComputeNodeDoc, JobDoc } from '../../core/model.js';
import { docId } from '../../core/model.js';
import { admitStart } from '../attempt-admission.js';
import type { StartOutcome, StartRequest } from '../graph-store.js';
import { jobStartedEvent } from '../system-events.js';
import { appendEvents } from './append-events.js';
import { insertEdgeRow } from './doc-rows.js';
import { inputFilesOf } from './fingerprints.js';
import { readExecutedFrom, readJobDoc, readJobState } from './job-state.js';
import type { SqliteContext } from './sqlite-context.js';

export function startAttempts(ctx: SqliteContext, requests: StartRequest[]): StartOutcome[] {
  return ctx.write(() => {
    const now = new Date().toISOString();
    const start = ctx.stmt(
      `UPDATE jobs SET status = 'running', doc = json_set(doc, '$.status', 'running', '$.started_at', @now)
       WHERE _key = @job RETURNING doc`,
    );
    const addNode = ctx.stmt(
      "INSERT OR IGNORE INTO docs (collection, _key, workflow, doc) VALUES ('compute_nodes', ?, ?, ?)",
    );
    const nodesAdded = new Set<string>();
    const outcomes = requests.map((r): StartOutcome => {
      // Items run in order: a later item sees what an earlier one wrote.
      const nodeKey = computeNodeKey(r.workflow, r.worker.worker_id);
      const job = readJobState(ctx, r.job);
      const executedFrom = job?.status === 'running' ? readExecutedFrom(ctx, r.job, r.attempt) : undefined;
      const admission = admitStart(r, { job, executedFrom, node: docId('compute_nodes', nodeKey) });
      if (admission.kind === 'refused') return { ok: false, reason: admission.reason };
      if (admission.kind === 'repeat')
        return {
          ok: true,
          repeated: true,
          job: readJobDoc(ctx, r.job) as unknown as JobDoc,
          compute_node: nodeKey,
          input_files: inputFilesOf(ctx, r.job),
        };
      const row = start.get({ now, job: r.job }) as { doc: string };
      const node: ComputeNodeDoc = {
        _key: nodeKey,
        _id: docId('compute_nodes', nodeKey),
        workflow: r.workflow,
        ...r.worker,
        started_at: now,
        is_active: true,
      };
      if (!nodesAdded.has(nodeKey)) {
        addNode.run(nodeKey, r.workflow, JSON.stringify(node));
        nodesAdded.add(nodeKey);
      }
      insertEdgeRow(
        ctx,
        'executed',
        { _key: executedEdgeKey(r.job, r.attempt), _from: node._id, _to: docId('jobs', r.job), attempt: r.attempt },
        r.workflow,
        true,
      );
      return {
        ok: true,
        job: JSON.parse(row.doc) as JobDoc,
        compute_node: nodeKey,
        input_files: inputFilesOf(ctx, r.job),
      };
    });
    const events = outcomes.flatMap((o, i) =>
      o.ok && !o.repeated ? [jobStartedEvent(requests[i]!, o.compute_node, now)] : [],
    );
    if (events.length) appendEvents(ctx, events);
    return outcomes;
  });
}
