/**
 * A validated spec → the documents and edges `GraphStore.createWorkflow` writes in one
 * transaction. Keys are deterministic children of the workflow key (`${wf}-j1`, `${wf}-f1`,
 * `${wf}-s1`, `${wf}-x1`, `${wf}-e1`, …, numbered in spec order after expansion) so that the
 * same spec and key give the same bundle.
 */
import {
  docId,
  type ActionDoc,
  type ActionTrigger,
  type BaseDoc,
  type EdgeCollection,
  type EdgeDoc,
  type JobDoc,
  type SchedulerDoc,
  type WorkflowBundle,
  type WorkflowDoc,
} from '../core/model.js';
import { childKey, randomKey } from '../core/keys.js';
import { DEFAULT_MAX_JOBS } from '../core/config.js';
import { expandParameters } from './expand-parameters.js';
import { precheckSpec } from './precheck-spec.js';
import { resolveReferences } from './resolve-references.js';
import { WORKFLOW_SETTINGS, type WorkflowSpec } from './spec-schema.js';

export interface BuildOptions {
  /** The workflow's `_key`. @default randomKey() */
  workflowKey?: string;
  /** `created_at`. @default new Date() */
  now?: Date;
  /** Most jobs, and most files, the spec may expand to (`JOBGRAPH_MAX_JOBS`). @default DEFAULT_MAX_JOBS */
  maxJobs?: number;
}

/**
 * Check what can be checked unexpanded, expand parameters, resolve names and build the
 * bundle. Only explicit `depends_on` becomes `blocks` edges; the store derives the file and
 * user-data ones when the workflow starts (they are included in the cycle check here all the same).
 * @throws ValidationError, CycleError — before anything is written.
 */
export function buildWorkflowBundle(spec: WorkflowSpec, options: BuildOptions = {}): WorkflowBundle {
  precheckSpec(spec, { maxJobs: options.maxJobs ?? DEFAULT_MAX_JOBS });
  const resolved = resolveReferences(expandParameters(spec));
  const wf = options.workflowKey ?? randomKey();
  const workflow: WorkflowDoc = {
    _key: wf,
    _id: docId('workflows', wf),
    name: spec.name,
    ...(spec.user === undefined ? {} : { user: spec.user }),
    ...(spec.description === undefined ? {} : { description: spec.description }),
    status: 'created',
    created_at: (options.now ?? new Date()).toISOString(),
    ...(spec.failure_handlers.length ? { failure_handlers: spec.failure_handlers } : {}),
  };
  for (const setting of WORKFLOW_SETTINGS) if (spec[setting] !== undefined) workflow[setting] = spec[setting];

  const vertex = <T extends Record<string, unknown>>(collection: string, prefix: string, n: number, body: T) => {
    const _key = childKey(wf, `${prefix}${n + 1}`);
    return { _key, _id: docId(collection, _key), workflow: wf, ...body };
  };
  const jobs: JobDoc[] = resolved.jobs.map(({ job, command }, n) =>
    vertex('jobs', 'j', n, {
      name: job.name,
      command,
      ...(job.invocation_script === undefined ? {} : { invocation_script: job.invocation_script }),
      status: 'uninitialized' as const,
      attempt: 1,
      unfinished_blockers: 0,
      cancel_on_blocking_job_failure: job.cancel_on_blocking_job_failure,
      supports_termination: job.supports_termination,
      ...(job.failure_handler === undefined ? {} : { failure_handler: job.failure_handler }),
    }),
  );
  const files = resolved.files.map(({ item }, n) => vertex('files', 'f', n, { name: item.name, path: item.path }));
  const userData = spec.user_data.map((u, n) =>
    vertex('user_data', 'u', n, { name: u.name, ...(u.data === undefined ? {} : { data: u.data }) }),
  );
  const resourceRequirements = spec.resource_requirements.map((r, n) =>
    vertex('resource_requirements', 'r', n, { ...r }),
  );
  const schedulers: SchedulerDoc[] = resolved.schedulers.map((s, n) => vertex('schedulers', 's', n, s.body));
  // An action's selectors and scheduler name are replaced by what they resolved to: job and scheduler keys.
  const actions: ActionDoc[] = resolved.actions.map((r, n) => {
    const { jobs: byName, job_name_regexes: byRegex, ...fields } = r.action;
    return vertex('actions', 'x', n, {
      ...fields,
      // model.ts does not list the worker triggers among ActionDoc's yet; they are stored all the same.
      trigger_type: fields.trigger_type as ActionTrigger,
      ...(byName || byRegex ? { job_keys: r.jobs.map((j) => jobs[j]!._key) } : {}),
      ...(r.scheduler === undefined
        ? {}
        : { scheduler: schedulers[r.scheduler]!._key, scheduler_type: r.scheduler_type }),
    });
  });

  const edges: Partial<Record<EdgeCollection, EdgeDoc[]>> = {};
  let edgeCount = 0;
  const edge = (collection: EdgeCollection, from: BaseDoc, to: BaseDoc) => {
    const _key = childKey(wf, `e${++edgeCount}`);
    (edges[collection] ??= []).push({ _key, _id: docId(collection, _key), _from: from._id, _to: to._id, workflow: wf });
  };
  resolved.jobs.forEach((r, n) => {
    const job = jobs[n]!;
    for (const b of r.dependsOn) edge('blocks', jobs[b]!, job);
    for (const f of r.inputFiles) edge('needs', job, files[f]!);
    for (const f of r.outputFiles) edge('produces', job, files[f]!);
    for (const u of r.inputUserData) edge('consumes', job, userData[u]!);
    for (const u of r.outputUserData) edge('stores', job, userData[u]!);
    if (r.resourceRequirements !== undefined) edge('requires', job, resourceRequirements[r.resourceRequirements]!);
    if (r.scheduler !== undefined) edge('scheduled_by', job, schedulers[r.scheduler]!);
  });

  const documents: WorkflowBundle['documents'] = {};
  if (jobs.length) documents.jobs = jobs;
  if (files.length) documents.files = files;
  if (userData.length) documents.user_data = userData;
  if (resourceRequirements.length) documents.resource_requirements = resourceRequirements;
  if (schedulers.length) documents.schedulers = schedulers;
  if (actions.length) documents.actions = actions;
  return { workflow, documents, edges };
}
