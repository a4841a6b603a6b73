/**
 * The spec of `jobgraph run`, read and built before the server machinery is loaded: a
 * malformed spec is refused in about a second, not after the API, scheduler and worker
 * modules (seconds more) have loaded for nothing.
 */
import { loadConfig } from '../core/config.js';
import { buildSpec, loadSpecFile, type BuiltSpec } from '../workflow-spec/index.js';

/**
 * Load, validate, expand and resolve the spec at `path` under `JOBGRAPH_MAX_JOBS`; with the
 * warnings for fields it sets that jobgraph accepts but does not act on.
 * @throws ValidationError or CycleError naming what is wrong; ConfigError for a bad setting
 */
export async function readSpecFile(path: string): Promise<BuiltSpec> {
  const config = loadConfig();
  return buildSpec(await loadSpecFile(path), { maxJobs: config.JOBGRAPH_MAX_JOBS });
}
