/**
 * Small workflow bundles built by hand for the contract suite (independent of src/workflow-spec).
 * Every key is `${workflow}-${name}`, so names are short and keys unique across workflows.
 */
import { randomKey } from '../../src/core/keys.js';
import {
  EDGE_ENDPOINTS,
  type BaseDoc,
  type EdgeCollection,
  type EdgeDoc,
  type JobStatus,
  type WorkflowBundle,
} from '../../src/core/model.js';

export interface JobSpec {
  name: string;
  status?: JobStatus;
  cancel_on_blocking_job_failure?: boolean;
  [field: string]: unknown;
}

export interface BundleSpec {
  jobs: Array<string | JobSpec>;
  files?: string[];
  user_data?: string[];
  resource_requirements?: Array<{ name: string; [field: string]: unknown }>;
  /** Edges by collection as [from name, to name]; the endpoint collections follow EDGE_ENDPOINTS. */
  edges?: Partial<Record<EdgeCollection, Array<[string, string]>>>;
}

/** A fresh workflow key. */
export function newWorkflowKey(): string {
  return `w${randomKey(8)}`;
}

/** The `_key` of the document named `name` in workflow `wf`. */
export function keyOf(wf: string, name: string): string {
  return `${wf}-${name}`;
}

function doc(wf: string, collection: string, name: string, extra: Record<string, unknown> = {}): BaseDoc {
  const key = keyOf(wf, name);
  return { _key: key, _id: `${collection}/${key}`, workflow: wf, name, ...extra };
}

/** Build a bundle for workflow `wf` (status `created`). */
export function buildBundle(wf: string, spec: BundleSpec): WorkflowBundle {
  const jobs = spec.jobs.map((j) => {
    const { name, ...rest } = typeof j === 'string' ? { name: j } : j;
    return doc(wf, 'jobs', name, {
      command: `echo ${name}`,
      status: 'uninitialized',
      attempt: 1,
      unfinished_blockers: 0,
      cancel_on_blocking_job_failure: true,
      supports_termination: false,
      ...rest,
    });
  });
  const edges: WorkflowBundle['edges'] = {};
  for (const [collection, pairs] of Object.entries(spec.edges ?? {}) as Array<
    [EdgeCollection, Array<[string, string]>]
  >) {
    const [fromC, toC] = EDGE_ENDPOINTS[collection];
    edges[collection] = pairs.map(([from, to], i): EdgeDoc => {
      const key = keyOf(wf, `${collection}${i}`);
      return {
        _key: key,
        _id: `${collection}/${key}`,
        _from: `${fromC}/${keyOf(wf, from)}`,
        _to: `${toC}/${keyOf(wf, to)}`,
        workflow: wf,
      };
    });
  }
  return {
    workflow: {
      _key: wf,
      _id: `workflows/${wf}`,
      name: `workflow ${wf}`,
      status: 'created',
      created_at: '2026-01-01T00:00:00.000Z',
    },
    documents: {
      jobs,
      files: (spec.files ?? []).map((f) => doc(wf, 'files', f, { path: `/data/${f}` })),
      user_data: (spec.user_data ?? []).map((u) => doc(wf, 'user_data', u, { data: { value: u } })),
      resource_requirements: (spec.resource_requirements ?? []).map(({ name, ...rest }) =>
        doc(wf, 'resource_requirements', name, rest),
      ),
    },
    edges,
  };
}
