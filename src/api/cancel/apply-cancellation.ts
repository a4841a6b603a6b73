/**
 * What the API does after the store canceled jobs: tell the workers holding the running
 * attempts (Redis `cancel` channel), drop the queued entries, wake the scheduler.
 *
 * Recorded decision: the API process does this itself, right after the store's
 * transaction, instead of the scheduler on a notification: the API already holds the
 * Notifier and the Redis URL, and the request can answer once the cancel is announced.
 * Every step is best effort: the graph is already final, a lost `cancel` message is
 * published again by the scheduler's lost-worker watchdog until the attempt is reported
 * (decision 0005), a queue entry left behind is refused at start and dropped by the worker.
 */
import type { CancelOutcome } from '../../graph/graph-store.js';
import { bullJobId } from '../../queue/queue-names.js';
import { removeWorkflowEntries } from '../../queue/remove-workflow-entries.js';
import type { ApiDeps } from '../api-deps.js';

/**
 * Announce and clean up after `outcome` of `workflow`. With `wholeWorkflow` every waiting
 * entry of the workflow's queues goes; otherwise only those of the queued attempts.
 */
export async function applyCancellation(
  deps: ApiDeps,
  workflow: string,
  outcome: CancelOutcome,
  wholeWorkflow: boolean,
): Promise<void> {
  const { logger, notifier } = deps;
  const ids = outcome.running.map((r) => bullJobId(workflow, r.job, r.attempt));
  await notifier
    ?.publish('cancel', ids)
    .catch((err: unknown) => logger?.warn({ err, workflow }, 'could not announce canceled attempts'));
  if (wholeWorkflow || outcome.queued.length > 0) {
    await removeWorkflowEntries({
      redisUrl: deps.redisUrl,
      prefix: deps.queuePrefix,
      workflow,
      ...(wholeWorkflow ? {} : { attempts: outcome.queued }),
    }).catch((err: unknown) => logger?.warn({ err, workflow }, 'could not remove queue entries of canceled jobs'));
  }
  // Dependents may have become ready, or the workflow may now be done: the scheduler's pass handles both.
  if (!wholeWorkflow)
    await notifier
      ?.publish('ready', [workflow])
      .catch((err: unknown) => logger?.warn({ err, workflow }, 'could not publish ready workflow'));
}
