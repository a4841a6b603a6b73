/**
 * The compute nodes the lost-worker watchdog looks at besides running attempts: those of
 * running workflows. A worker that dies while idle has no running attempt to be found by, so
 * its nodes are how its death is seen (marked inactive); a worker declared lost whose
 * heartbeat comes back (it was cut off, not dead) has inactive nodes to mark active again.
 *
 * Each change is a compare-and-set on `is_active` with its event in one write
 * (GraphStore.writeDocuments): a scheduler running twice, or racing recordLostAttempts,
 * changes a node and records its event once.
 */
import type { GraphStore } from '../graph/graph-store.js';
import { workerInactiveEvent, workerReturnedEvent } from '../graph/system-events.js';

/** A compute node as the watchdog sees it. */
export interface WatchedNode {
  workflow: string;
  /** compute_nodes `_key`. */
  compute_node: string;
  worker_id: string;
  is_active: boolean;
  /** When it was declared lost or gone. */
  lost_at?: string;
}

/** The most nodes read per workflow (the store's page limit). */
const NODES_PER_WORKFLOW = 10_000;

/** Every compute node of the running workflows (one read per workflow). */
export async function listWatchedNodes(
  store: Pick<GraphStore, 'listWorkflowKeys' | 'listDocuments'>,
): Promise<WatchedNode[]> {
  const out: WatchedNode[] = [];
  for (const workflow of await store.listWorkflowKeys('running')) {
    const page = await store.listDocuments(workflow, 'compute_nodes', { limit: NODES_PER_WORKFLOW });
    for (const doc of page.items) {
      const { worker_id, is_active, lost_at } = doc as Record<string, unknown>;
      if (typeof worker_id !== 'string') continue;
      out.push({
        workflow,
        compute_node: doc._key,
        worker_id,
        is_active: is_active !== false,
        ...(typeof lost_at === 'string' && { lost_at }),
      });
    }
  }
  return out;
}

/** Flip `is_active` from `!active` to `active` with `patch` and `event` in one write. @returns whether this call changed it. */
async function setActive(
  store: Pick<GraphStore, 'writeDocuments'>,
  node: WatchedNode,
  active: boolean,
  patch: Record<string, unknown>,
  event: { type: string; [field: string]: unknown },
): Promise<boolean> {
  const outcome = await store.writeDocuments(node.workflow, {
    update: [
      {
        collection: 'compute_nodes',
        key: node.compute_node,
        expect: { is_active: !active },
        patch: { ...patch, is_active: active },
      },
    ],
    events: [event],
  });
  return outcome.ok;
}

/** Mark an active node of a worker whose heartbeat stayed missing inactive. @returns whether this call changed it. */
export function markNodeInactive(
  store: Pick<GraphStore, 'writeDocuments'>,
  node: WatchedNode,
  heartbeatMissingSince: string,
  now = new Date().toISOString(),
): Promise<boolean> {
  const { worker_id, compute_node } = node;
  return setActive(
    store,
    node,
    false,
    { lost_at: now },
    workerInactiveEvent({ worker_id, compute_node, heartbeat_missing_since: heartbeatMissingSince, timestamp: now }),
  );
}

/** Mark an inactive node of a worker whose heartbeat is back active again. @returns whether this call changed it. */
export function markNodeReturned(
  store: Pick<GraphStore, 'writeDocuments'>,
  node: WatchedNode,
  now = new Date().toISOString(),
): Promise<boolean> {
  const { worker_id, compute_node, lost_at } = node;
  return setActive(
    store,
    node,
    true,
    { returned_at: now },
    workerReturnedEvent({
      worker_id,
      compute_node,
      ...(lost_at !== undefined && { inactive_since: lost_at }),
      timestamp: now,
    }),
  );
}
