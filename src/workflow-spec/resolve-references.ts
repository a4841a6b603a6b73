/**
 * Name resolution after parameter expansion: every name a job mentions (files, user data,
 * jobs, resource requirements, failure handlers, schedulers — literally, through `*_regexes`,
 * or through `${files.input.NAME}` / `${files.output.NAME}` in its command) becomes an index;
 * so do the jobs and scheduler of each action (resolve-actions.ts).
 * Rejects undefined names, duplicates, a file produced by two jobs, and dependency cycles.
 * Everything is indexed in Maps: linear in the number of jobs and references.
 */
import { ValidationError, type FieldIssue } from '../core/errors.js';
import { checkDependencyCycles } from './check-dependency-cycles.js';
import type { Expanded, ExpandedSpec } from './expand-parameters.js';
import { replaceFileReferences, type ReferenceKind } from './file-references.js';
import { namespace, type Namespace } from './name-index.js';
import { compileNameRegex } from './name-regex.js';
import { resolveActions, type ResolvedAction } from './resolve-actions.js';
import { schedulerEntries, type SchedulerEntry } from './scheduler-entries.js';
import type { FileSpec, JobSpec, WorkflowSpec } from './spec-schema.js';

/** One job with its references as indices into the other lists of the ResolvedWorkflow. */
export interface ResolvedJob {
  job: JobSpec;
  /** Spec path of the definition (`jobs[3]`). */
  path: string;
  /** `command` with `${files.*.NAME}` replaced by the files' paths. */
  command: string;
  dependsOn: number[];
  inputFiles: number[];
  outputFiles: number[];
  inputUserData: number[];
  outputUserData: number[];
  resourceRequirements?: number;
  scheduler?: number;
}

export interface ResolvedWorkflow {
  spec: WorkflowSpec;
  jobs: ResolvedJob[];
  files: Array<Expanded<FileSpec>>;
  /** Every scheduler of the three lists, in document order; `ResolvedJob.scheduler` indexes it. */
  schedulers: SchedulerEntry[];
  actions: ResolvedAction[];
}

/** Past this many issues the rest are counted, not listed (a typo in a 100k sweep). */
const MAX_ISSUES = 100;

/**
 * Most references (dependencies, inputs, outputs) per job allowed on average: one regex used
 * by every job of a 30,000-job sweep can otherwise ask for 900,000,000 edges.
 */
export const MAX_REFERENCES_PER_JOB = 4;

/**
 * Resolve every reference of an expanded spec.
 * @param maxReferences most list references (edges) in all; @default MAX_REFERENCES_PER_JOB per job, at least 1,000,000
 * @throws ValidationError (undefined or duplicate names, a file with two producers, too many references), CycleError.
 */
export function resolveReferences(
  expanded: ExpandedSpec,
  maxReferences = Math.max(1_000_000, MAX_REFERENCES_PER_JOB * expanded.jobs.length),
): ResolvedWorkflow {
  const { spec } = expanded;
  const issues: FieldIssue[] = [];
  const at = (prefix: string) => (x: { name: string }, i: number) => ({ name: x.name, path: `${prefix}[${i}]` });
  const jobsNs = namespace(
    'job',
    expanded.jobs.map((j) => ({ name: j.item.name, path: j.path })),
    issues,
  );
  const filesNs = namespace(
    'file',
    expanded.files.map((f) => ({ name: f.item.name, path: f.path })),
    issues,
  );
  const userDataNs = namespace(
    'user data',
    spec.user_data.map((u, i) => ({ name: u.name, path: `user_data[${i}]` })),
    issues,
  );
  const rrNs = namespace('resource requirements', spec.resource_requirements.map(at('resource_requirements')), issues);
  const fhNs = namespace('failure handler', spec.failure_handlers.map(at('failure_handlers')), issues);
  // One namespace for the three lists: a name used in two of them is a duplicate naming both places.
  const schedulers = schedulerEntries(spec);
  const schedulerNs = namespace('scheduler', schedulers, issues);
  const refs = referenceResolver(issues);

  const filePath = (i: number) => expanded.files[i]!.item.path;
  const userDataJson = (i: number) => JSON.stringify(spec.user_data[i]!.data ?? null);
  const producer = new Map<number, number>();
  let references = 0;
  const jobs = expanded.jobs.map(({ item: job, path }, j): ResolvedJob => {
    const ctx = { path, job: job.name };
    const one = (ns: Namespace, name: string | undefined, field: string) =>
      name === undefined ? undefined : refs(ns, [name], undefined, ctx, field, true)[0];
    one(fhNs, job.failure_handler, 'failure_handler');
    const {
      command,
      inputs: commandInputs,
      outputs: commandOutputs,
    } = replaceRefs(job.command, 'files', filesNs, filePath, ctx, issues);
    const dataRefs = replaceRefs(command, 'user_data', userDataNs, userDataJson, ctx, issues);

    const outputFiles = refs(filesNs, job.output_files, job.output_files_regexes, ctx, 'output_files');
    for (const f of commandOutputs) if (!outputFiles.includes(f)) outputFiles.push(f);
    const ownOutputs = new Set(outputFiles);
    // A regex input never picks the job's own output (an aggregate writing `out_summary` with input `out_.*`).
    const inputFiles = refs(
      filesNs,
      job.input_files,
      job.input_files_regexes,
      ctx,
      'input_files',
      false,
      job.input_files_regexes?.length ? (i) => ownOutputs.has(i) : undefined,
    );
    for (const f of commandInputs) if (!inputFiles.includes(f)) inputFiles.push(f);
    references += inputFiles.length + outputFiles.length;
    for (const f of outputFiles) {
      const other = producer.get(f);
      if (other === undefined) producer.set(f, j);
      else
        issues.push({
          path: `${path}.output_files`,
          message: `file "${filesNs.names[f]}" is produced by job "${job.name}" and by job "${jobsNs.names[other]}" (${expanded.jobs[other]!.path}); a file has one producer`,
        });
    }
    const resolved: ResolvedJob = {
      job,
      path,
      command: dataRefs.command,
      // A job's own name matching its depends_on regex is not a dependency on itself.
      dependsOn: refs(
        jobsNs,
        job.depends_on,
        job.depends_on_regexes,
        ctx,
        'depends_on',
        false,
        job.depends_on_regexes?.length ? (i) => i === j : undefined,
      ),
      inputFiles,
      outputFiles,
      inputUserData: union(
        refs(userDataNs, job.input_user_data, job.input_user_data_regexes, ctx, 'input_user_data'),
        dataRefs.inputs,
      ),
      outputUserData: union(
        refs(userDataNs, job.output_user_data, job.output_user_data_regexes, ctx, 'output_user_data'),
        dataRefs.outputs,
      ),
      resourceRequirements: one(rrNs, job.resource_requirements, 'resource_requirements'),
      scheduler: one(schedulerNs, job.scheduler, 'scheduler'),
    };
    references += resolved.dependsOn.length + resolved.inputUserData.length + resolved.outputUserData.length;
    settle(resolved);
    if (references > maxReferences)
      throw new ValidationError([
        {
          path,
          message:
            `job "${job.name}": the references of the jobs up to this one make ${references.toLocaleString('en-US')} ` +
            `edges; at most ${maxReferences.toLocaleString('en-US')} are allowed (${MAX_REFERENCES_PER_JOB} per job)`,
        },
      ]);
    return resolved;
  });
  const actions = resolveActions(spec.actions, jobsNs, schedulerNs, schedulers, issues);
  if (issues.length) throw new ValidationError(capIssues(issues));
  checkDependencyCycles(jobs, jobsNs.names, producer);
  return { spec, jobs, files: expanded.files, schedulers, actions };
}

interface RefContext {
  /** The job's expanded name, for messages (many expanded jobs share one spec path). */
  job: string;
  /** Spec path of the job's definition (`jobs[3]`). */
  path: string;
}

/**
 * Resolve literal names and unanchored regexes to indices, deduplicated, in first-mention order.
 * Regexes are compiled once per distinct source for the whole spec.
 */
function referenceResolver(issues: FieldIssue[]) {
  // A pattern's matches are the same for every job that uses it: computed once per namespace.
  const matches = new Map<string, number[]>();
  const matchesOf = (ns: Namespace, source: string): number[] => {
    const key = `${ns.kind}\0${source}`;
    let found = matches.get(key);
    if (!found) {
      // Unanchored, like torc's Rust `Regex::is_match`: "^pair_" and "pair" both match "pair_x_1".
      const re = compileNameRegex(source, 'anywhere');
      found = [];
      for (let i = 0; i < ns.names.length; i++) if (ns.names[i] && re.test(ns.names[i]!)) found.push(i);
      matches.set(key, found);
    }
    return found;
  };
  return (
    ns: Namespace,
    literal: string[] | undefined,
    patterns: string[] | undefined,
    ctx: RefContext,
    /**
     * The field (`input_files`): its path, made only for a message, is `jobs[3].input_files`;
     * list items get `[k]`, regexes `_regexes[k]`.
     */
    fieldName: string,
    /** The field is a single name (`scheduler: x`), not a list: no `[0]` in the path. */
    single = false,
    exclude?: (i: number) => boolean,
  ): number[] => {
    const missing = (name: string, k: number) =>
      issues.push({
        path: single ? `${ctx.path}.${fieldName}` : `${ctx.path}.${fieldName}[${k}]`,
        message: `job "${ctx.job}": no ${ns.kind} named "${name}"`,
      });
    // Fast path for the common case (no reference, or one name): no Set per job in a 100k sweep.
    if (!patterns?.length && (literal?.length ?? 0) <= 1) {
      const name = literal?.[0];
      if (name === undefined) return [];
      const i = ns.index.get(name);
      if (i !== undefined) return [i];
      missing(name, 0);
      return [];
    }
    const out = new Set<number>();
    literal?.forEach((name, k) => {
      const i = ns.index.get(name);
      if (i === undefined) missing(name, k);
      else out.add(i);
    });
    patterns?.forEach((source, k) => {
      let matched = 0;
      for (const i of matchesOf(ns, source))
        if (!exclude?.(i)) {
          out.add(i);
          matched++;
        }
      // A regex that matches nothing is almost always a typo; say so rather than drop a dependency.
      if (matched === 0)
        issues.push({
          path: `${ctx.path}.${fieldName}_regexes[${k}]`,
          message: `job "${ctx.job}": regex "${source}" matches no ${ns.kind}`,
        });
    });
    return [...out];
  };
}

/**
 * `${files.input.NAME}` / `${files.output.NAME}` → the file's path, and torc's
 * `${user_data.input.NAME}` / `${user_data.output.NAME}` → the item's data as JSON (`null` when
 * it has none); the items named become the job's inputs / outputs.
 */
function replaceRefs(
  text: string,
  kind: ReferenceKind,
  ns: Namespace,
  value: (i: number) => string,
  ctx: { path: string; job: string },
  issues: FieldIssue[],
): { command: string; inputs: number[]; outputs: number[] } {
  const inputs: number[] = [];
  const outputs: number[] = [];
  // Most commands of a sweep mention no reference: skip the scan (and its generator) per job.
  if (!text.includes('${')) return { command: text, inputs, outputs };
  const command = replaceFileReferences(
    text,
    ({ direction, name }) => {
      const i = ns.index.get(name);
      if (i === undefined) {
        const whole = `\${${kind}.${direction}.${name}}`;
        issues.push({ path: `${ctx.path}.command`, message: `job "${ctx.job}": ${whole} names no ${ns.kind}` });
        return whole;
      }
      (direction === 'input' ? inputs : outputs).push(i);
      return value(i);
    },
    kind,
  );
  return { command, inputs, outputs };
}

/** The one empty list every job without a reference of a kind shares (frozen: read only). */
const NONE: number[] = Object.freeze([]) as unknown as number[];

/**
 * Replace the job's empty lists by {@link NONE}: a million-job sweep otherwise keeps five
 * million empty arrays alive until its bundle is built.
 */
function settle(job: ResolvedJob): void {
  if (job.dependsOn.length === 0) job.dependsOn = NONE;
  if (job.inputFiles.length === 0) job.inputFiles = NONE;
  if (job.outputFiles.length === 0) job.outputFiles = NONE;
  if (job.inputUserData.length === 0) job.inputUserData = NONE;
  if (job.outputUserData.length === 0) job.outputUserData = NONE;
}

/** `a` with the items of `b` it lacks appended. */
function union(a: number[], b: number[]): number[] {
  for (const x of b) if (!a.includes(x)) a.push(x);
  return a;
}

function capIssues(issues: FieldIssue[]): FieldIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  return [
    ...issues.slice(0, MAX_ISSUES),
    { path: '(root)', message: `… and ${issues.length - MAX_ISSUES} more issues` },
  ];
}
