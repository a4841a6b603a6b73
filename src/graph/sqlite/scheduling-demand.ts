/**
 * schedulingDemand: unfinished jobs grouped by (scheduler, resource requirement), for the
 * scaling policy. One grouped scan of the workflow's unfinished jobs on the status index.
 */
import { parseDocId, type Resources } from '../../core/model.js';
import { groupDemand, type DemandRow as GroupRow } from '../demand-groups.js';
import type { DemandGroup } from '../graph-store.js';
import { toResources } from '../job-resources.js';
import type { SqliteContext } from './sqlite-context.js';
import { requireWorkflow } from './workflow-rows.js';

interface DemandRow {
  status: GroupRow['status'];
  rr: string | null;
  scheduler: string | null;
  n: number;
}

const FIRST_EDGE = (collection: string) =>
  `(SELECT _to FROM edges INDEXED BY edges_from WHERE _from = 'jobs/' || j._key AND collection = '${collection}'
    ORDER BY _key LIMIT 1)`;

export function schedulingDemand(ctx: SqliteContext, workflow: string): DemandGroup[] {
  return ctx.read(() => {
    requireWorkflow(ctx, workflow);
    const rows = ctx
      .stmt(
        `SELECT j.status AS status, ${FIRST_EDGE('requires')} AS rr, ${FIRST_EDGE('scheduled_by')} AS scheduler,
                count(*) AS n
         FROM jobs j INDEXED BY jobs_workflow_status
         WHERE j.workflow = ? AND j.status IN ('blocked', 'ready', 'queued', 'running')
         GROUP BY j.status, rr, scheduler`,
      )
      .all(workflow) as DemandRow[];
    const requirement = ctx.stmt("SELECT doc FROM docs WHERE collection = 'resource_requirements' AND _key = ?");
    const resourcesOf = new Map<string | null, Resources>();
    const resolve = (rr: string | null): Resources => {
      let resources = resourcesOf.get(rr);
      if (!resources) {
        const doc = rr ? (requirement.get(parseDocId(rr)?.key) as { doc: string } | undefined) : undefined;
        resources = toResources(doc && (JSON.parse(doc.doc) as Record<string, unknown>));
        resourcesOf.set(rr, resources);
      }
      return resources;
    };
    return groupDemand(
      rows.map((row) => ({
        status: row.status,
        resources: resolve(row.rr),
        ...(row.scheduler && { scheduler: parseDocId(row.scheduler)?.key }),
        n: row.n,
      })),
    );
  });
}
