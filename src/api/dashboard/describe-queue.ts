/**
 * The name the queue dashboard shows for a queue: `<workflow name> (<key>) · <resource
 * class>`, so a person finds their workflow without knowing its key.
 */
import type { GraphStore } from '../../graph/graph-store.js';
import { parseQueueName } from '../../queue/queue-names.js';

/** @returns undefined for a name that is not a jobgraph queue or whose workflow is gone */
export async function describeQueue(store: Pick<GraphStore, 'getWorkflow'>, name: string): Promise<string | undefined> {
  const parsed = parseQueueName(name);
  if (!parsed) return undefined;
  const workflow = await store.getWorkflow(parsed.workflow).catch(() => undefined);
  if (!workflow) return undefined;
  const resourceClass = name.slice(name.lastIndexOf('.') + 1);
  return `${workflow.name} (${workflow._key}) · ${resourceClass}`;
}
