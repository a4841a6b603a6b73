/**
 * AQL for whole-workflow operations. Collection names are bind parameters (`@@col`).
 */
import type { AqlQuery } from 'arangojs/aql';
import { docId, type BaseDoc, type WorkflowDoc } from '../../../core/model.js';

/** A workflow-owned document by key, or null when absent or owned by another workflow. */
export function getOwnedQuery<T extends BaseDoc>(
  collection: string,
  workflow: string,
  key: string,
): AqlQuery<T | null> {
  return {
    query: `
      // DOCUMENT() by _id: a primary-index lookup, null when absent.
      LET d = DOCUMENT(@id)
      RETURN d != null AND d.workflow == @wf ? UNSET(d, '_rev') : null`,
    bindVars: { id: docId(collection, key), wf: workflow },
  };
}

export function getWorkflowQuery(key: string): AqlQuery<WorkflowDoc | null> {
  return {
    query: `
      LET d = DOCUMENT(@id)
      RETURN d == null ? null : UNSET(d, '_rev')`,
    bindVars: { id: docId('workflows', key) },
  };
}

/** Shallow merge (`mergeObjects: false`: nested objects are replaced, like `{...doc, ...patch}`). */
export function updateWorkflowQuery(key: string, patch: Record<string, unknown>): AqlQuery<WorkflowDoc> {
  return {
    query: `
      FOR w IN workflows
        FILTER w._key == @key
        UPDATE w WITH @patch IN workflows OPTIONS { mergeObjects: false, keepNull: true }
        RETURN UNSET(NEW, '_rev')`,
    bindVars: { key, patch },
  };
}

/** Same shallow merge for a document of one workflow; empty result = not found. */
export function updateOwnedQuery(
  collection: string,
  workflow: string,
  key: string,
  patch: Record<string, unknown>,
): AqlQuery<BaseDoc> {
  return {
    query: `
      FOR d IN @@col
        FILTER d._key == @key AND d.workflow == @wf
        UPDATE d WITH @patch IN @@col OPTIONS { mergeObjects: false, keepNull: true }
        RETURN UNSET(NEW, '_rev')`,
    bindVars: { '@col': collection, key, wf: workflow, patch },
  };
}

/** Remove every document of `collection` carrying the workflow key (index on `workflow`). */
export function removeByWorkflowQuery(collection: string, workflow: string): AqlQuery {
  return {
    query: `
      FOR d IN @@col
        FILTER d.workflow == @wf
        REMOVE d IN @@col`,
    bindVars: { '@col': collection, wf: workflow },
  };
}

/** Every document of `collection` of the workflow, without `_rev` (sorted by the caller, bytewise). */
export function allOfWorkflowQuery<T extends BaseDoc>(collection: string, workflow: string): AqlQuery<T> {
  return {
    query: `
      FOR d IN @@col
        FILTER d.workflow == @wf
        RETURN UNSET(d, '_rev')`,
    bindVars: { '@col': collection, wf: workflow },
  };
}

/** Remove one document of the workflow; returns its key, empty when absent. */
export function removeOwnedQuery(collection: string, workflow: string, key: string): AqlQuery<string> {
  return {
    query: `
      FOR d IN @@col
        FILTER d._key == @key AND d.workflow == @wf
        REMOVE d IN @@col
        RETURN OLD._key`,
    bindVars: { '@col': collection, key, wf: workflow },
  };
}

/** Remove every edge of `edgeCollection` that starts or ends at `id` (two edge-index lookups). */
export function removeTouchingEdgesQuery(edgeCollection: string, id: string): AqlQuery {
  return {
    query: `
      // Collect the keys first: a collection cannot be read after it is modified in one query.
      LET edgeKeys = UNION_DISTINCT(
        (FOR e IN @@col FILTER e._from == @id RETURN e._key),
        (FOR e IN @@col FILTER e._to == @id RETURN e._key)
      )
      FOR k IN edgeKeys
        REMOVE k IN @@col`,
    bindVars: { '@col': edgeCollection, id },
  };
}

export function listWorkflowKeysQuery(status: string): AqlQuery<string> {
  return {
    query: `
      FOR w IN workflows
        FILTER w.status == @status
        SORT w._key
        RETURN w._key`,
    bindVars: { status },
  };
}
