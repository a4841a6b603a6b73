/**
 * Completion: a `running` workflow with no job left in a non-final state gets its final
 * status and its `workflow_finished` event (the store decides and records both, atomically
 * and once).
 */
import type { Logger } from '../core/logger.js';
import { NotFoundError } from '../core/errors.js';
import type { WorkflowDoc } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';

export interface FinishDeps {
  store: Pick<GraphStore, 'finishWorkflowIfDone'>;
  logger?: Logger;
  /** Called once per workflow that finished in this call (e.g. `jobgraph run` waits for it). */
  onFinished?: (workflow: WorkflowDoc) => void;
}

/**
 * Finish each workflow that is done. The store's `finishWorkflowIfDone` returns a document
 * (and writes the event) only on the transition, so calling this twice writes one event.
 * A failure for one workflow is logged and does not stop the others (the periodic
 * reconcile retries every running workflow).
 * @returns the workflows finished by this call.
 */
export async function finishWorkflows(deps: FinishDeps, workflows: Iterable<string>): Promise<WorkflowDoc[]> {
  const finished: WorkflowDoc[] = [];
  for (const key of new Set(workflows)) {
    let doc: WorkflowDoc | undefined;
    try {
      doc = await deps.store.finishWorkflowIfDone(key);
    } catch (err) {
      // A workflow deleted after its last poke: nothing to finish.
      if (err instanceof NotFoundError) continue;
      deps.logger?.error({ err, workflow: key }, 'could not check workflow completion');
      continue;
    }
    if (!doc) continue;
    finished.push(doc);
    deps.logger?.info({ workflow: key, status: doc.status }, 'workflow finished');
    try {
      deps.onFinished?.(doc);
    } catch (err) {
      deps.logger?.error({ err, workflow: key }, 'onWorkflowFinished callback threw');
    }
  }
  return finished;
}
