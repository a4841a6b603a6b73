/**
 * The workflow spec ("JobDefinition" way of creating a workflow):
 * parse (YAML/JSON/JSON5) → validate → expand parameters → resolve names → build a WorkflowBundle.
 */
import type { WorkflowBundle } from '../core/model.js';
import { buildWorkflowBundle, type BuildOptions } from './build-workflow-bundle.js';
import { unsupportedFieldWarnings } from './unsupported-field-warnings.js';
import { validateSpec } from './validate-spec.js';

export { parseSpecText, type SpecFormat } from './parse-spec-text.js';
export { loadSpecFile, specFormatOf } from './load-spec-file.js';
export * from './spec-schema.js';
export * from './scheduler-schema.js';
export * from './action-schema.js';
export { schedulerEntries, type SchedulerEntry } from './scheduler-entries.js';
export { resolveActions, type ResolvedAction } from './resolve-actions.js';
export { validateSpec, SPEC_USER_DATA_VALUE } from './validate-spec.js';
export { parameterValues, MAX_PARAMETER_VALUES, type ParamScalar } from './parameter-values.js';
export { compileTemplate, type Template } from './substitute.js';
export { expandParameters, type Expanded, type ExpandedSpec } from './expand-parameters.js';
export { resolveReferences, type ResolvedJob, type ResolvedWorkflow } from './resolve-references.js';
export { checkDependencyCycles } from './check-dependency-cycles.js';
export { blockerPairs } from './blocker-pairs.js';
export { precheckSpec, MAX_REGEX_MATCHES, type SpecLimits } from './precheck-spec.js';
export { nameRegexProblem, compileNameRegex, MAX_REGEX_LENGTH } from './name-regex.js';
export { buildWorkflowBundle, type BuildOptions } from './build-workflow-bundle.js';
export { unsupportedFieldWarnings } from './unsupported-field-warnings.js';

/**
 * Validate → expand → resolve → build, in one call.
 * @throws ValidationError or CycleError before anything is written.
 */
export function specToBundle(raw: unknown, options?: BuildOptions): WorkflowBundle {
  return buildSpec(raw, options).bundle;
}

/** A built spec and the fields it sets that jobgraph accepts but does not act on yet. */
export interface BuiltSpec {
  bundle: WorkflowBundle;
  /** One line per field, with its path (`resource_monitor.generate_plots: accepted, not acted on yet`). */
  warnings: string[];
}

/**
 * specToBundle, with the warnings for fields jobgraph accepts and ignores
 * (unsupported-field-warnings.ts): what the API and the CLI tell the user.
 * @throws ValidationError or CycleError before anything is written.
 */
export function buildSpec(raw: unknown, options?: BuildOptions): BuiltSpec {
  const spec = validateSpec(raw);
  return { bundle: buildWorkflowBundle(spec, options), warnings: unsupportedFieldWarnings(spec) };
}
