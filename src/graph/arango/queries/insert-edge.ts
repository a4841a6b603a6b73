/**
 * Insert one Direct-mode edge after checking, in the same query (so atomically), that
 * the workflow exists and both endpoints are documents of it.
 */
import type { AqlQuery } from 'arangojs/aql';
import type { EdgeDoc } from '../../../core/model.js';

export interface InsertEdgeRow {
  /** What is wrong, or null when the edge was inserted. */
  problem: 'workflow' | '_from' | '_to' | null;
  edge: EdgeDoc | null;
}

export function insertEdgeQuery(
  collection: string,
  workflow: string,
  edge: Record<string, unknown>,
): AqlQuery<InsertEdgeRow> {
  return {
    query: `
      LET wf = DOCUMENT(@wfId)
      LET src = DOCUMENT(@fromId)
      LET dst = DOCUMENT(@toId)
      // A missing endpoint reads as null, and null.workflow is null: != @wf catches both.
      // (src/dst, not from/to: TO is a word of AQL's grammar.)
      LET problem = wf == null ? 'workflow' : (src.workflow != @wf ? '_from' : (dst.workflow != @wf ? '_to' : null))
      // Iterating over [] skips the INSERT: AQL's way to write conditionally.
      LET inserted = (
        FOR x IN (problem == null ? [1] : [])
          INSERT @edge INTO @@col
          RETURN UNSET(NEW, '_rev')
      )
      RETURN { problem, edge: FIRST(inserted) }`,
    bindVars: {
      '@col': collection,
      wfId: `workflows/${workflow}`,
      wf: workflow,
      edge,
      fromId: edge._from,
      toId: edge._to,
    },
  };
}
