/**
 * Starting a workflow from inside the process that runs the scheduler (`jobgraph run`):
 * initialize it in the graph (the store records `workflow_started`), and poke the scheduler so its ready jobs
 * are promoted at once. (The API initializes and publishes `ready` instead.)
 */
import type { GraphStore, InitializeOptions, InitializeOutcome } from '../graph/graph-store.js';
import type { Scheduler } from './scheduler.js';

export interface StartWorkflowDeps {
  store: Pick<GraphStore, 'initializeWorkflow'>;
  scheduler: Pick<Scheduler, 'poke'>;
}

/**
 * @throws InvalidStateError unless the workflow is `created`; CycleError naming the jobs;
 * NotFoundError.
 */
export async function startWorkflow(
  deps: StartWorkflowDeps,
  workflow: string,
  options?: InitializeOptions,
): Promise<InitializeOutcome> {
  const outcome = await deps.store.initializeWorkflow(workflow, options);
  // Poke even with zero ready jobs: an empty (or all-disabled) workflow finishes right away.
  deps.scheduler.poke([workflow]);
  return outcome;
}
