/**
 * Workflow-level lifecycle reads and the completion check, all on the status indexes.
 */
import {
  FAILED_JOB_STATUSES,
  JOB_STATUSES,
  NON_FINAL_JOB_STATUSES,
  type JobStatus,
  type Resources,
  type WorkflowDoc,
  type WorkflowStatus,
} from '../../core/model.js';
import { workflowFinishedEvent } from '../system-events.js';
import { appendEvents } from './append-events.js';
import { toResources } from './job-resources.js';
import { sqlList, type SqliteContext } from './sqlite-context.js';
import { findWorkflow, replaceWorkflow, requireWorkflow } from './workflow-rows.js';

const NON_FINAL = sqlList(NON_FINAL_JOB_STATUSES);
const FAILED = sqlList([...FAILED_JOB_STATUSES]);

export function statusCounts(
  ctx: SqliteContext,
  workflow: string,
  jobs?: readonly string[],
): Record<JobStatus, number> {
  return ctx.read(() => {
    requireWorkflow(ctx, workflow);
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    const rows = (
      jobs === undefined
        ? ctx.stmt('SELECT status, count(*) AS n FROM jobs WHERE workflow = ? GROUP BY status').all(workflow)
        : ctx
            .stmt(
              `SELECT status, count(*) AS n FROM jobs
               WHERE _key IN (SELECT value FROM json_each(?)) AND workflow = ? GROUP BY status`,
            )
            .all(JSON.stringify(jobs), workflow)
    ) as Array<{ status: JobStatus; n: number }>;
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  });
}

function hasUnfinishedJobs(ctx: SqliteContext, workflow: string): boolean {
  return (
    ctx.stmt(`SELECT 1 FROM jobs WHERE workflow = ? AND status IN ${NON_FINAL} LIMIT 1`).get(workflow) !== undefined
  );
}

export function finishWorkflowIfDone(ctx: SqliteContext, workflow: string): WorkflowDoc | undefined {
  // Asked after every completion batch, nearly always of a workflow with jobs left: that answer
  // needs no write lock and no read of the workflow's document (one statement: no transaction).
  if (hasUnfinishedJobs(ctx, workflow)) return undefined;
  return ctx.write(() => {
    const doc = findWorkflow(ctx, workflow);
    if (!doc || doc.status !== 'running') return undefined;
    if (hasUnfinishedJobs(ctx, workflow)) return undefined;
    const failed = ctx.stmt(`SELECT 1 FROM jobs WHERE workflow = ? AND status IN ${FAILED} LIMIT 1`).get(workflow);
    const now = new Date().toISOString();
    const next: WorkflowDoc = { ...doc, status: failed ? 'failed' : 'completed', finished_at: now };
    replaceWorkflow(ctx, next);
    appendEvents(ctx, [workflowFinishedEvent(next, now)]);
    return next;
  });
}

export function listWorkflowKeys(ctx: SqliteContext, status: WorkflowStatus): string[] {
  return ctx.read(() =>
    (ctx.stmt('SELECT _key FROM workflows WHERE status = ? ORDER BY _key').all(status) as Array<{ _key: string }>).map(
      (r) => r._key,
    ),
  );
}

export function listJobResources(
  ctx: SqliteContext,
  workflow: string,
): Array<{ job: string; name: string; resources: Resources }> {
  return ctx.read(() => {
    requireWorkflow(ctx, workflow);
    const requirements = new Map<string, Resources>();
    const rrRows = ctx
      .stmt("SELECT _key, doc FROM docs WHERE workflow = ? AND collection = 'resource_requirements'")
      .all(workflow) as Array<{ _key: string; doc: string }>;
    for (const r of rrRows)
      requirements.set(`resource_requirements/${r._key}`, toResources(JSON.parse(r.doc) as Record<string, unknown>));
    const requires = new Map<string, string>();
    const edgeRows = ctx
      .stmt("SELECT _from, _to FROM edges WHERE workflow = ? AND collection = 'requires' ORDER BY _key")
      .all(workflow) as Array<{ _from: string; _to: string }>;
    for (const e of edgeRows) if (!requires.has(e._from)) requires.set(e._from, e._to);
    const jobs = ctx
      .stmt("SELECT _key, name FROM jobs WHERE workflow = ? AND status != 'disabled' ORDER BY _key")
      .all(workflow) as Array<{ _key: string; name: string }>;
    return jobs.map((j) => {
      const rr = requires.get(`jobs/${j._key}`);
      return {
        job: j._key,
        name: j.name,
        resources: { ...(rr && requirements.get(rr) ? requirements.get(rr)! : toResources(undefined)) },
      };
    });
  });
}
