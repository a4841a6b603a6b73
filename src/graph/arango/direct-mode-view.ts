/**
 * What the Direct-mode rules (../direct-mode-rules.ts) read of the graph on ArangoDB,
 * mirroring sqlite/direct-mode-view.ts: whether a compute node runs an attempt, the `blocks`
 * graph around a new edge (loaded in one query, since the rules read a synchronous view),
 * and the counter change a new `blocks` edge makes.
 */
import { EXECUTED_KEY_INFIX } from '../../core/keys.js';
import { docId, type JobStatus } from '../../core/model.js';
import type { BlocksView, CounterUpdate } from '../direct-mode-rules.js';
import { blocksNeighbourhoodQuery, runsAttemptQuery } from './queries/direct-mode-view.js';
import { writeJobStatesQuery } from './queries/job-state.js';
import type { QueryRunner } from './query-runner.js';

export async function runsAttempt(run: QueryRunner, node: string): Promise<boolean> {
  return (await run.one(runsAttemptQuery(docId('compute_nodes', node), EXECUTED_KEY_INFIX))) === true;
}

/**
 * The view around `blocker` → `dependent`, or undefined when either is not a job of the
 * workflow (the insert then reports the endpoint).
 */
export async function blocksView(
  run: QueryRunner,
  workflow: string,
  blocker: string,
  dependent: string,
): Promise<BlocksView | undefined> {
  const row = await run.one(blocksNeighbourhoodQuery(workflow, blocker, dependent));
  if (!row || row.ends.some((end) => end === null)) return undefined;
  const states = new Map<string, { status: JobStatus; unfinished_blockers: number; name: string }>();
  const dependents = new Map<string, string[]>();
  for (const j of [...(row.ends as NonNullable<(typeof row.ends)[number]>[]), ...row.downstream]) {
    const counter = typeof j.unfinished_blockers === 'number' ? j.unfinished_blockers : 0;
    states.set(j.key, { status: j.status, unfinished_blockers: counter, name: j.name });
  }
  for (const d of row.downstream) {
    const list = dependents.get(d.from);
    if (list) list.push(d.key);
    else dependents.set(d.from, [d.key]);
  }
  return { stateOf: (job) => states.get(job), dependentsOf: (job) => dependents.get(job) ?? [] };
}

export async function writeCounter(run: QueryRunner, update: CounterUpdate): Promise<void> {
  await run.all(
    writeJobStatesQuery([{ key: update.job, status: update.status, unfinished_blockers: update.unfinished_blockers }]),
  );
}
