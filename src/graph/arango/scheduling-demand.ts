/**
 * schedulingDemand on ArangoDB: unfinished jobs grouped by (scheduler, resource
 * requirement) in one query over the [workflow, status] index and each job's edges.
 */
import { NotFoundError } from '../../core/errors.js';
import { parseDocId } from '../../core/model.js';
import { groupDemand, type DemandRow as GroupRow } from '../demand-groups.js';
import type { DemandGroup } from '../graph-store.js';
import { toResources } from '../job-resources.js';
import type { ArangoContext } from './arango-context.js';

interface DemandRow {
  status: GroupRow['status'];
  rr: Record<string, unknown> | null;
  scheduler: string | null;
  n: number;
}

export async function schedulingDemand(ctx: ArangoContext, workflow: string): Promise<DemandGroup[]> {
  const answer = await ctx.run.one<{ exists: boolean; rows: DemandRow[] }>({
    query: `
      LET wf = DOCUMENT(@wfId)
      LET rows = (
        FOR j IN jobs
          FILTER j.workflow == @wf AND j.status IN ['blocked', 'ready', 'queued', 'running']
          LET rr = FIRST(FOR e IN requires FILTER e._from == j._id SORT e._key LIMIT 1 RETURN e._to)
          LET scheduler = FIRST(FOR e IN scheduled_by FILTER e._from == j._id SORT e._key LIMIT 1 RETURN e._to)
          COLLECT jobStatus = j.status, rrId = rr, schedulerId = scheduler WITH COUNT INTO n
          RETURN { status: jobStatus, rr: rrId == null ? null : DOCUMENT(rrId), scheduler: schedulerId, n }
      )
      RETURN { exists: wf != null, rows }`,
    bindVars: { wfId: `workflows/${workflow}`, wf: workflow },
  });
  if (!answer?.exists) throw new NotFoundError('workflows', workflow);
  return groupDemand(
    answer.rows.map((row) => ({
      status: row.status,
      resources: toResources(row.rr ?? undefined),
      ...(row.scheduler && { scheduler: parseDocId(row.scheduler)?.key }),
      n: row.n,
    })),
  );
}
