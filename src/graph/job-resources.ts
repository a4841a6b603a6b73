/**
 * A job's resources from the resource_requirements document its `requires` edge points
 * to, field by field falling back to DEFAULT_RESOURCES. Shared by every adapter.
 */
import { DEFAULT_RESOURCES, type Resources } from '../core/model.js';

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
