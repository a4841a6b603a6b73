/**
 * What a Direct-mode body becomes before it is stored: fields derived from human units
 * (`memory` → `memory_bytes`, `runtime` → `runtime_s`) and event bookkeeping. Bodies are
 * already validated by the route schemas, so the parsers cannot fail here.
 */
import { ValidationError } from '../../core/errors.js';
import { DEFAULT_RESOURCES, type WorkflowCollection } from '../../core/model.js';
import { jsonShapeIssue } from '../../core/schemas/json-shape.js';
import { formatMemory, parseDuration, parseMemory } from '../../core/units.js';

type Body = Record<string, unknown>;

/**
 * Collections whose strings end up as process arguments, environment values or paths: job
 * names and commands, file paths, scheduler and allocation settings (sbatch options), action
 * commands. A NUL character in them is refused (spawn throws on it).
 */
const PROCESS_FACING: ReadonlySet<WorkflowCollection> = new Set([
  'jobs',
  'files',
  'schedulers',
  'allocations',
  'actions',
]);

/** @throws ValidationError naming the first string of `body` holding a NUL, for the collections above */
function refuseNul(collection: WorkflowCollection, body: Body): void {
  const issue = PROCESS_FACING.has(collection) ? jsonShapeIssue(body, { noNul: true }) : undefined;
  if (issue) throw new ValidationError([issue]);
}

function withUnits(body: Body): Body {
  const out = { ...body };
  if (out.memory !== undefined) out.memory_bytes = parseMemory(out.memory as string | number);
  if (out.runtime !== undefined) out.runtime_s = parseDuration(out.runtime as string | number);
  return out;
}

/** A new document of `collection` from a validated POST body. */
export function prepareCreate(collection: WorkflowCollection, body: Body): Body {
  refuseNul(collection, body);
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
  refuseNul(collection, body);
  return collection === 'resource_requirements' ? withUnits(body) : body;
}
