/**
 * What the Direct-mode rules read on ArangoDB (used by ../direct-mode-view.ts inside a
 * stream transaction).
 */
import type { AqlQuery } from 'arangojs/aql';
import type { JobStatus } from '../../../core/model.js';

/** Whether the compute node `nodeId` is the node of some job's current, running attempt. */
export function runsAttemptQuery(nodeId: string, infix: string): AqlQuery<boolean> {
  return {
    query: `
      // Edge index on _from: the node's executed edges only.
      RETURN LENGTH(
        FOR e IN executed
          FILTER e._from == @nodeId
          LET j = DOCUMENT(e._to)
          FILTER j != null AND j.status == 'running' AND e._key == CONCAT(j._key, @infix, j.attempt)
          LIMIT 1
          RETURN 1
      ) > 0`,
    bindVars: { nodeId, infix },
  };
}

export interface BlocksNeighbourhood {
  /** The two endpoints' states (null when absent or of another workflow). */
  ends: Array<{ key: string; status: JobStatus; unfinished_blockers: number; name: string } | null>;
  /** Every job downstream of the dependent, each with the edge it was first reached by. */
  downstream: Array<{ from: string; key: string; status: JobStatus; unfinished_blockers: number; name: string }>;
}

/** Longest `blocks` path followed downstream: far beyond any real workflow's depth. */
const MAX_DEPTH = 1_000_000_000;

/**
 * The endpoints of a new `blocks` edge and what is downstream of its dependent (a BFS tree:
 * each job once, reached through one edge) — enough to find a cycle the edge would close.
 */
export function blocksNeighbourhoodQuery(
  workflow: string,
  blocker: string,
  dependent: string,
): AqlQuery<BlocksNeighbourhood> {
  return {
    query: `
      LET ends = (
        FOR id IN [@blockerId, @dependentId]
          LET j = DOCUMENT(id)
          RETURN j == null || j.workflow != @wf ? null
            : { key: j._key, status: j.status, unfinished_blockers: j.unfinished_blockers, name: NOT_NULL(j.name, j._key) }
      )
      LET downstream = (
        FOR v, e IN 1..@maxDepth OUTBOUND @dependentId blocks
          OPTIONS { order: 'bfs', uniqueVertices: 'global' }
          RETURN {
            from: PARSE_IDENTIFIER(e._from).key, key: v._key, status: v.status,
            unfinished_blockers: v.unfinished_blockers, name: NOT_NULL(v.name, v._key)
          }
      )
      RETURN { ends, downstream }`,
    bindVars: {
      wf: workflow,
      blockerId: `jobs/${blocker}`,
      dependentId: `jobs/${dependent}`,
      maxDepth: MAX_DEPTH,
    },
  };
}
