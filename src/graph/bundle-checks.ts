/**
 * Checks every adapter applies to what it is asked to write, so both reject the same
 * input with the same field paths.
 */
import { ValidationError, type FieldIssue } from '../core/errors.js';
import {
  EDGE_COLLECTIONS,
  EDGE_ENDPOINTS,
  WORKFLOW_STATUSES,
  docId,
  type WorkflowBundle,
  type WorkflowDoc,
} from '../core/model.js';

const WORKFLOW_STATUS_SET: ReadonlySet<string> = new Set(WORKFLOW_STATUSES);

/** @throws ValidationError naming `path.status` for an unknown workflow status */
export function checkWorkflowStatus(doc: WorkflowDoc, path: string): void {
  if (typeof doc.status !== 'string' || !WORKFLOW_STATUS_SET.has(doc.status)) {
    throw new ValidationError([{ path: `${path}.status`, message: `must be one of ${WORKFLOW_STATUSES.join(', ')}` }]);
  }
}

/**
 * Edge endpoints must be documents of the bundle (`ids` holds their `_id`s), in the
 * collections EDGE_ENDPOINTS names.
 * @throws ValidationError naming each bad edge field, e.g. `edges.needs[0]._to`
 */
export function checkBundleEdges(bundle: WorkflowBundle, ids: ReadonlySet<string>): void {
  const issues: FieldIssue[] = [];
  for (const collection of EDGE_COLLECTIONS) {
    const [fromCollection, toCollection] = EDGE_ENDPOINTS[collection];
    // Per collection, not per edge: a million-edge fan-in checks two million endpoints.
    const fromPrefix = `${fromCollection}/`;
    const toPrefix = `${toCollection}/`;
    const check = (id: unknown, prefix: string, i: number, field: string, expected: string) => {
      if (typeof id === 'string' && id.startsWith(prefix) && ids.has(id)) return;
      issues.push({
        path: `edges.${collection}[${i}].${field}`,
        message: `must be the _id of a ${expected} document of this workflow`,
      });
    };
    (bundle.edges[collection] ?? []).forEach((edge, i) => {
      if (typeof edge._key !== 'string' || edge._key === '')
        issues.push({ path: `edges.${collection}[${i}]._key`, message: 'required' });
      check(edge._from, fromPrefix, i, '_from', fromCollection);
      check(edge._to, toPrefix, i, '_to', toCollection);
    });
  }
  if (issues.length) throw new ValidationError(issues);
}

/**
 * The workflow document a bundle creates: its key required, `_id` derived, `status`
 * (default `created`) checked, `created_at` defaulted to now.
 * @throws ValidationError naming `workflow._key` or `workflow.status`
 */
export function bundleWorkflowDoc(bundle: WorkflowBundle): WorkflowDoc {
  const key = bundle.workflow._key;
  if (typeof key !== 'string' || key === '')
    throw new ValidationError([{ path: 'workflow._key', message: 'required' }]);
  const workflow: WorkflowDoc = {
    ...bundle.workflow,
    _key: key,
    _id: docId('workflows', key),
    status: bundle.workflow.status ?? 'created',
    created_at: bundle.workflow.created_at ?? new Date().toISOString(),
  };
  checkWorkflowStatus(workflow, 'workflow');
  return workflow;
}
