/**
 * Bounded promotion (decision 0016): promote each running workflow's ready jobs only up to
 * what its queues lack to their watermarks (queue-watermark.ts), instead of every ready job.
 * The rest stay `ready` in the graph — still demand to the provisioner and to
 * `on_jobs_ready` actions, which count ready and queued alike — and are promoted as workers
 * drain the queues: each completion batch publishes `ready`, which triggers a pass, and the
 * periodic pass refills whatever a lost hint missed. Redis then holds entries in proportion
 * to the live workers' capacity, not to the workflows' size.
 *
 * Counting a workflow's queues is a Redis round trip, on every link of a dependency chain. A
 * caller that keeps `waitingAtMost` across passes spares most of them: entries leave the queues
 * unseen (workers take them) but enter only through promotion, so the last count plus what was
 * promoted since bounds what waits. While that bound is at most half the floor, every queue of
 * the workflow is due for a refill (the floor is the lowest mark), and promoting the floor minus
 * the bound cannot fill any queue past its mark, even if all of it lands in one; past half the
 * floor the queues are counted again and the bound reset to the count.
 *
 * The claim-then-enqueue order and its argument are promoteReady's (promote-ready-jobs.ts):
 * this only chooses how many to claim.
 */
import type { GraphStore } from '../graph/graph-store.js';
import type { WorkerSize } from '../queue/heartbeat-report.js';
import type { JobProducer } from '../queue/job-producer.js';
import { parseQueueName } from '../queue/queue-names.js';
import { promoteReady, type PromoteDeps, type PromoteOutcome } from './promote-ready-jobs.js';
import { promotionBudget } from './queue-watermark.js';

/** What bounded promotion needs besides promotion's own. */
export interface BoundedPromoteDeps extends PromoteDeps {
  store: PromoteDeps['store'] & Pick<GraphStore, 'listWorkflowKeys'>;
  producer: PromoteDeps['producer'] & Pick<JobProducer, 'waitingCounts'>;
}

export interface BoundedPromoteOptions {
  /** The watermark of a queue with no live worker for its class (`JOBGRAPH_QUEUE_FLOOR`). */
  floor: number;
  /** The sizes of the live workers (their heartbeats). */
  workers: readonly WorkerSize[];
  /** Only these workflows. @default every running workflow */
  workflows?: readonly string[];
  /**
   * Per workflow, at most how many entries wait in its queues, kept by the caller from pass to
   * pass and updated here; a workflow absent from it is counted. The caller must forget a
   * workflow whose queues got entries some other way (the reconcile's re-adds).
   */
  waitingAtMost?: Map<string, number>;
}

/** Top up each running workflow's queues to their watermarks. */
export async function promoteBounded(
  deps: BoundedPromoteDeps,
  options: BoundedPromoteOptions,
): Promise<PromoteOutcome> {
  const outcome: PromoteOutcome = { promoted: 0, workflows: new Set() };
  const workflows = options.workflows ?? (await deps.store.listWorkflowKeys('running'));
  const bounds = options.waitingAtMost;
  for (const workflow of workflows) {
    const bound = bounds?.get(workflow);
    const budget =
      bound !== undefined && bound <= Math.floor(options.floor / 2)
        ? options.floor - bound
        : await countedBudget(deps, workflow, options);
    if (budget === 0) continue;
    const one = await promoteReady(deps, { workflow, limit: budget });
    bounds?.set(workflow, (bounds.get(workflow) ?? 0) + one.promoted);
    outcome.promoted += one.promoted;
    for (const wf of one.workflows) outcome.workflows.add(wf);
  }
  return outcome;
}

/** What `workflow`'s queues lack to their watermarks, counted in Redis; resets its bound to the count. */
async function countedBudget(
  deps: BoundedPromoteDeps,
  workflow: string,
  options: BoundedPromoteOptions,
): Promise<number> {
  const waiting = await deps.producer.waitingCounts(workflow);
  const queues = [...waiting].flatMap(([name, count]) => {
    const parsed = parseQueueName(name);
    return parsed ? [{ resourceClass: parsed.resourceClass, waiting: count }] : [];
  });
  options.waitingAtMost?.set(
    workflow,
    queues.reduce((sum, q) => sum + q.waiting, 0),
  );
  return promotionBudget(queues, options.workers, options.floor);
}
