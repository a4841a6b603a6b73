/**
 * Path parameters that name a workflow or a job by key or by name, resolved once per request
 * (rules and the ambiguity order: src/graph/resolve-refs.ts).
 */
import { resolveJobRef, resolveWorkflowRef } from '../../graph/resolve-refs.js';
import type { ApiDeps } from '../api-deps.js';

/** The workflow key `{wf}` names. @throws NotFoundError, ConflictError (a name several workflows carry) */
export function workflowOf(deps: ApiDeps, wf: string): Promise<string> {
  return resolveWorkflowRef(deps.store, wf);
}

/** The workflow and job keys `{wf}` and `{key}` name. @throws NotFoundError, ConflictError */
export async function jobOf(deps: ApiDeps, params: { wf: string; key: string }): Promise<{ wf: string; key: string }> {
  const wf = await workflowOf(deps, params.wf);
  return { wf, key: await resolveJobRef(deps.store, wf, params.key) };
}
