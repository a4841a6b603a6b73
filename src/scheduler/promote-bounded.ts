/**
 * Bounded promotion (decision 0016): promote each running workflow's ready jobs only up to
 * what its queues lack to their watermarks (queue-watermark.ts), instead of every ready job.
 * The rest stay `ready` in the graph — still demand to the provisioner and to
 * `on_jobs_ready` actions, which count ready and queued alike — and are promoted as workers
 * drain the queues: each completion batch publishes `ready`, which triggers a pass, and the
 * periodic pass refills whatever a lost hint missed. Redis then holds entries in proportion
 * to the live workers' capacity, not to the workflows' size.
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
}

/** Top up each running workflow's queues to their watermarks. */
export async function promoteBounded(
  deps: BoundedPromoteDeps,
  options: BoundedPromoteOptions,
): Promise<PromoteOutcome> {
  const outcome: PromoteOutcome = { promoted: 0, workflows: new Set() };
  const workflows = options.workflows ?? (await deps.store.listWorkflowKeys('running'));
  for (const workflow of workflows) {
    const waiting = await deps.producer.waitingCounts(workflow);
    const queues = [...waiting].flatMap(([name, count]) => {
      const parsed = parseQueueName(name);
      return parsed ? [{ resourceClass: parsed.resourceClass, waiting: count }] : [];
    });
    const budget = promotionBudget(queues, options.workers, options.floor);
    if (budget === 0) continue;
    const one = await promoteReady(deps, { workflow, limit: budget });
    outcome.promoted += one.promoted;
    for (const wf of one.workflows) outcome.workflows.add(wf);
  }
  return outcome;
}
