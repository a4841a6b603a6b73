/**
 * What a Direct-mode body becomes before it is stored: fields derived from human units
 * (`memory` → `memory_bytes`, `runtime` → `runtime_s`) and event bookkeeping. Bodies are
 * already validated by the route schemas, so the parsers cannot fail here.
 */
import { DEFAULT_RESOURCES, type WorkflowCollection } from '../../core/model.js';
import { formatMemory, parseDuration, parseMemory } from '../../core/units.js';

type Body = Record<string, unknown>;

function withUnits(body: Body): Body {
  const out = { ...body };
  if (out.memory !== undefined) out.memory_bytes = parseMemory(out.memory as string | number);
  if (out.runtime !== undefined) out.runtime_s = parseDuration(out.runtime as string | number);
  return out;
}

/** A new document of `collection` from a validated POST body. */
export function prepareCreate(collection: WorkflowCollection, body: Body): Body {
  switch (collection) {
    case 'resource_requirements':
      return withUnits({
        num_cpus: DEFAULT_RESOURCES.num_cpus,
        memory: formatMemory(DEFAULT_RESOURCES.memory_bytes),
        num_gpus: DEFAULT_RESOURCES.num_gpus,
        num_nodes: DEFAULT_RESOURCES.num_nodes,
        runtime: `PT${DEFAULT_RESOURCES.runtime_s}S`,
        ...body,
      });
    case 'events':
      // Users post any JSON; `source` tells their events from the orchestrator's.
      return { timestamp: new Date().toISOString(), ...body, source: 'user' };
    default:
      return body;
  }
}

/** A patch of `collection` from a validated PATCH body. */
export function preparePatch(collection: WorkflowCollection, body: Body): Body {
  return collection === 'resource_requirements' ? withUnits(body) : body;
}
