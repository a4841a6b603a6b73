/**
 * claimReady and listQueued: the scheduler's claims and reads of jobs for the queues.
 */
import type { AqlQuery } from 'arangojs/aql';
import { DEFAULT_RESOURCES } from '../../../core/model.js';
import type { ClaimedJob } from '../../graph-store.js';

/**
 * An AQL expression for the resources of the job bound to `job`: the resource_requirements
 * document its first `requires` edge points to, field by field falling back to
 * DEFAULT_RESOURCES (bound as `@default_<field>` by `defaultBindVars`). Evaluated BEFORE any write to `jobs`, because
 * AQL forbids reading a collection after modifying it in the same query.
 */
export function resourcesExpression(job: string): string {
  // Edge index lookup on _from; SORT keeps the choice stable when a job has several edges.
  const rr = `FIRST(FOR e IN requires FILTER e._from == ${job}._id SORT e._key LIMIT 1 RETURN DOCUMENT(e._to))`;
  const field = (name: string) => `IS_NUMBER(rr.${name}) ? rr.${name} : @default_${name}`;
  return `(
    LET rr = ${rr}
    RETURN {
      num_cpus: ${field('num_cpus')},
      memory_bytes: ${field('memory_bytes')},
      num_gpus: ${field('num_gpus')},
      num_nodes: ${field('num_nodes')},
      runtime_s: ${field('runtime_s')}
    }
  )[0]`;
}

/** DEFAULT_RESOURCES as the bind parameters resourcesExpression uses. */
function defaultBindVars(): Record<string, number> {
  return Object.fromEntries(Object.entries(DEFAULT_RESOURCES).map(([field, value]) => [`default_${field}`, value]));
}

/** Move up to `limit` ready jobs (optionally of one workflow) to `queued` in one query. */
export function claimReadyQuery(limit: number, now: string, workflow?: string): AqlQuery<ClaimedJob> {
  return {
    query: `
      FOR j IN jobs
        // [status] index, or [workflow, status] when a workflow is given.
        FILTER j.status == 'ready' ${workflow === undefined ? '' : 'AND j.workflow == @wf'}
        LIMIT @limit
        // Read the resources before the UPDATE (no reads of a collection after writing it).
        LET resources = ${resourcesExpression('j')}
        // A concurrent claimer updating the same job makes one of the two fail with a
        // write-write conflict; the runner retries that query, which no longer sees the job as ready.
        UPDATE j WITH { status: 'queued', queued_at: @now } IN jobs
        RETURN { workflow: NEW.workflow, job: NEW._key, name: NOT_NULL(NEW.name, NEW._key), attempt: NEW.attempt, resources }`,
    bindVars: { limit, now, ...defaultBindVars(), ...(workflow === undefined ? {} : { wf: workflow }) },
  };
}

/** Jobs queued before `olderThan`, oldest first ([status, queued_at] index). */
export function listQueuedQuery(olderThan: string, limit: number): AqlQuery<ClaimedJob> {
  return {
    query: `
      FOR j IN jobs
        // null sorts below every string in AQL: exclude jobs without queued_at explicitly.
        FILTER j.status == 'queued' AND j.queued_at != null AND j.queued_at < @olderThan
        SORT j.queued_at
        LIMIT @limit
        RETURN { workflow: j.workflow, job: j._key, name: NOT_NULL(j.name, j._key), attempt: j.attempt, resources: ${resourcesExpression('j')} }`,
    bindVars: { olderThan, limit, ...defaultBindVars() },
  };
}

/** Every non-disabled job of a workflow with its resources, by `_key`. */
export function listJobResourcesQuery(
  workflow: string,
): AqlQuery<{ job: string; name: string; resources: ClaimedJob['resources'] }> {
  return {
    query: `
      FOR j IN jobs
        FILTER j.workflow == @wf AND j.status != 'disabled'
        SORT j._key
        RETURN { job: j._key, name: NOT_NULL(j.name, j._key), resources: ${resourcesExpression('j')} }`,
    bindVars: { wf: workflow, ...defaultBindVars() },
  };
}
