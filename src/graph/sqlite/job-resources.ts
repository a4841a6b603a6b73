/**
 * A job's resources through its `requires` edge (see ../job-resources.ts for the rule).
 */
import { DEFAULT_RESOURCES, type Resources } from '../../core/model.js';
import { toResources } from '../job-resources.js';
import type { SqliteContext } from './sqlite-context.js';

export { toResources };

/**
 * A lookup for the resources of jobs, parsing each resource_requirements document once
 * per lookup (a workflow has few of them and many jobs). O(1) index reads per job.
 */
export function resourceLookup(ctx: SqliteContext): (job: string) => Resources {
  const byRequirement = new Map<string, Resources>();
  const edge = ctx.stmt(
    "SELECT _to FROM edges INDEXED BY edges_from WHERE _from = ? AND collection = 'requires' ORDER BY _key LIMIT 1",
  );
  const requirement = ctx.stmt("SELECT doc FROM docs WHERE collection = 'resource_requirements' AND _key = ?");
  return (job) => {
    const row = edge.get(`jobs/${job}`) as { _to: string } | undefined;
    if (!row) return { ...DEFAULT_RESOURCES };
    let resources = byRequirement.get(row._to);
    if (!resources) {
      const doc = requirement.get(row._to.slice(row._to.indexOf('/') + 1)) as { doc: string } | undefined;
      resources = toResources(doc && (JSON.parse(doc.doc) as Record<string, unknown>));
      byRequirement.set(row._to, resources);
    }
    return { ...resources };
  };
}
