/**
 * A job's resources: from the resource_requirements document its `requires` edge points
 * to, field by field falling back to DEFAULT_RESOURCES.
 */
import { DEFAULT_RESOURCES, type Resources } from '../../core/model.js';
import type { SqliteContext } from './sqlite-context.js';

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Resources from a resource_requirements document (undefined: the defaults). */
export function toResources(doc: Record<string, unknown> | undefined): Resources {
  if (!doc) return { ...DEFAULT_RESOURCES };
  return {
    num_cpus: numberOr(doc.num_cpus, DEFAULT_RESOURCES.num_cpus),
    memory_bytes: numberOr(doc.memory_bytes, DEFAULT_RESOURCES.memory_bytes),
    num_gpus: numberOr(doc.num_gpus, DEFAULT_RESOURCES.num_gpus),
    num_nodes: numberOr(doc.num_nodes, DEFAULT_RESOURCES.num_nodes),
    runtime_s: numberOr(doc.runtime_s, DEFAULT_RESOURCES.runtime_s),
  };
}

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
