/**
 * startAttempts: queued → running for a worker, with its compute node and `executed` edge.
 */
import type { ComputeNodeDoc, JobDoc } from '../../core/model.js';
import { docId } from '../../core/model.js';
import type { StartOutcome, StartRequest } from '../graph-store.js';
import { jobStartedEvent } from '../attempt-events.js';
import { appendEvents } from './append-events.js';
import { insertEdgeRow } from './doc-rows.js';
import { inputFilesOf } from './fingerprint-rows.js';
import type { SqliteContext } from './sqlite-context.js';

/** Why a start was refused, from the job's current row. */
function refusal(ctx: SqliteContext, r: StartRequest): string {
  const row = ctx.stmt('SELECT workflow, status, attempt FROM jobs WHERE _key = ?').get(r.job) as
    { workflow: string; status: string; attempt: number } | undefined;
  if (!row || row.workflow !== r.workflow) return `job ${r.job} does not exist in workflow ${r.workflow}`;
  if (row.attempt !== r.attempt) return `job ${r.job} is at attempt ${row.attempt}, not ${r.attempt}`;
  return `job ${r.job} is ${row.status}, not queued`;
}

export function startAttempts(ctx: SqliteContext, requests: StartRequest[]): StartOutcome[] {
  return ctx.write(() => {
    const now = new Date().toISOString();
    const start = ctx.stmt(
      `UPDATE jobs SET status = 'running', doc = json_set(doc, '$.status', 'running', '$.started_at', @now)
       WHERE _key = @job AND workflow = @workflow AND status = 'queued' AND attempt = @attempt RETURNING doc`,
    );
    const addNode = ctx.stmt(
      "INSERT OR IGNORE INTO docs (collection, _key, workflow, doc) VALUES ('compute_nodes', ?, ?, ?)",
    );
    const nodesAdded = new Set<string>();
    const outcomes = requests.map((r): StartOutcome => {
      const row = start.get({ now, job: r.job, workflow: r.workflow, attempt: r.attempt }) as
        { doc: string } | undefined;
      if (!row) return { ok: false, reason: refusal(ctx, r) };
      const nodeKey = `${r.workflow}-${r.worker.worker_id}`;
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
      const edgeKey = `${r.job}-x${r.attempt}`;
      insertEdgeRow(
        ctx,
        'executed',
        { _key: edgeKey, _from: node._id, _to: docId('jobs', r.job), attempt: r.attempt },
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
    const events = outcomes.flatMap((o, i) => (o.ok ? [jobStartedEvent(requests[i]!, o.compute_node, now)] : []));
    if (events.length) appendEvents(ctx, events);
    return outcomes;
  });
}
