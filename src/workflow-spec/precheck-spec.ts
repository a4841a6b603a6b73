/**
 * Checks that need only the unexpanded spec, run before parameters are expanded: a spec
 * whose expansion would be too large, or that names something no definition can be named,
 * is refused in time proportional to its text — not after materialising its jobs (a
 * 109-byte `"1:1000000"` sweep with a dangling `depends_on` took 104 s and 2.1 GB to refuse;
 * `1:3000 × 1:3000` likewise).
 *
 * - Sizes: the jobs and the files each expand to at most `maxJobs` (JOBGRAPH_MAX_JOBS).
 * - Literal references (no placeholder) are looked up among the names the definitions can
 *   take (name-templates.ts); references with placeholders are resolved after expansion.
 * - Regex references: the matches they would need (distinct patterns × names) are bounded.
 *
 * Parameter notations that cannot be read are left to expansion, which names them.
 */
import { ValidationError, type FieldIssue } from '../core/errors.js';
import { fileReferences } from './file-references.js';
import { NameTemplates, nameTemplate } from './name-templates.js';
import { parameterCount } from './parameter-values.js';
import { schedulerEntries } from './scheduler-entries.js';
import type { FileSpec, JobSpec, WorkflowSpec } from './spec-schema.js';
import { literalParts } from './substitute.js';

/** Limits a spec is built under. */
export interface SpecLimits {
  /** Most jobs, and most files, a spec may expand to (`JOBGRAPH_MAX_JOBS`). */
  maxJobs: number;
}

/** Most name tests the regex references of one spec may need (each a linear-time match). */
export const MAX_REGEX_MATCHES = 10_000_000;

type Definition = JobSpec | FileSpec;

/** Parameters of `item` in expansion order with their value counts; undefined when one cannot be read. */
function parameterSizes(item: Definition, spec: WorkflowSpec): Array<[string, number]> | undefined {
  const sizes: Array<[string, number]> = [];
  try {
    for (const [name, value] of Object.entries(item.parameters ?? {})) sizes.push([name, parameterCount(value)]);
    for (const name of item.use_parameters ?? []) {
      if (item.parameters && name in item.parameters) continue;
      const shared = spec.parameters?.[name];
      if (shared === undefined) return undefined;
      if (!sizes.some(([n]) => n === name)) sizes.push([name, parameterCount(shared)]);
    }
  } catch {
    return undefined;
  }
  return sizes;
}

/** How many items a definition expands to (1 without parameters); undefined when expansion will refuse it. */
function expansionCount(item: Definition, sizes: Array<[string, number]> | undefined): number | undefined {
  if (!sizes) return undefined;
  if (sizes.length === 0) return 1;
  if (item.parameter_mode === 'zip') return sizes.every(([, n]) => n === sizes[0]![1]) ? sizes[0]![1] : undefined;
  return sizes.reduce((total, [, n]) => total * n, 1);
}

interface Counted<T extends Definition> {
  item: T;
  path: string;
  count: number;
  sizes: Array<[string, number]>;
  parameterized: boolean;
}

function countAll<T extends Definition>(items: T[], list: string, spec: WorkflowSpec): Array<Counted<T>> {
  return items.map((item, i) => {
    const sizes = parameterSizes(item, spec);
    return {
      item,
      path: `${list}[${i}]`,
      count: expansionCount(item, sizes) ?? 0,
      sizes: sizes ?? [],
      // Even when a notation cannot be read: the name is then a template, not a literal name.
      parameterized: Object.keys(item.parameters ?? {}).length > 0 || (item.use_parameters?.length ?? 0) > 0,
    };
  });
}

const number = (n: number) => n.toLocaleString('en-US');

/** An issue when `counted` expand to more than `max` items in all, naming the largest definitions and their parameters. */
function sizeIssue(counted: Array<Counted<Definition>>, list: string, kind: string, max: number): FieldIssue[] {
  const total = counted.reduce((sum, c) => sum + c.count, 0);
  if (total <= max) return [];
  const limit = `at most ${number(max)} are allowed (JOBGRAPH_MAX_JOBS)`;
  const describe = (c: Counted<Definition>) => {
    const each = c.sizes.map(([name, n]) => `${name}: ${number(n)}`);
    return c.item.parameter_mode === 'zip' ? `zip of ${each.join(', ')}` : each.join(' × ');
  };
  const big = counted.filter((c) => c.count > max);
  if (big.length > 0)
    return big.map((c) => ({
      path: `${c.path}.parameters`,
      message: `expands to ${number(c.count)} ${kind} (${describe(c)}); ${limit}`,
    }));
  const largest = [...counted].sort((a, b) => b.count - a.count).slice(0, 3);
  return [
    {
      path: list,
      message:
        `the ${list} expand to ${number(total)} ${kind} in all ` +
        `(${largest.map((c) => `${c.path}: ${number(c.count)}`).join(', ')}, …); ${limit}`,
    },
  ];
}

/** What each kind of reference can name, before expansion. */
interface KnownNames {
  jobs: NameTemplates;
  files: NameTemplates;
  userData: ReadonlySet<string>;
  resourceRequirements: ReadonlySet<string>;
  failureHandlers: ReadonlySet<string>;
  schedulers: ReadonlySet<string>;
}

/** Issues for literal references in `job` that no definition of their kind can be named. */
function undefinedReferences({ item: job, path, parameterized }: Counted<JobSpec>, names: KnownNames): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // A parameterized job's fields are rendered; a reference without a placeholder stays as written.
  const literal = (text: string) => !parameterized || literalParts(text).length === 1;
  const check = (
    value: string[] | string | undefined,
    field: string,
    kind: string,
    known: { canName(name: string): boolean } | ReadonlySet<string>,
  ) => {
    const can = (name: string) => ('canName' in known ? known.canName(name) : known.has(name));
    for (const [k, name] of (typeof value === 'string' ? [value] : (value ?? [])).entries())
      if (literal(name) && !can(name))
        issues.push({
          path: typeof value === 'string' ? `${path}.${field}` : `${path}.${field}[${k}]`,
          message: `job "${job.name}": no ${kind} named "${name}"`,
        });
  };
  check(job.depends_on, 'depends_on', 'job', names.jobs);
  check(job.input_files, 'input_files', 'file', names.files);
  check(job.output_files, 'output_files', 'file', names.files);
  check(job.input_user_data, 'input_user_data', 'user data', names.userData);
  check(job.output_user_data, 'output_user_data', 'user data', names.userData);
  check(job.resource_requirements, 'resource_requirements', 'resource requirements', names.resourceRequirements);
  check(job.failure_handler, 'failure_handler', 'failure handler', names.failureHandlers);
  check(job.scheduler, 'scheduler', 'scheduler', names.schedulers);
  for (const ref of fileReferences(job.command))
    if (!/[{}]/.test(ref.name) && !names.files.canName(ref.name))
      issues.push({
        path: `${path}.command`,
        message: `job "${job.name}": \${files.${ref.direction}.${ref.name}} names no file`,
      });
  return issues;
}

const REGEX_FIELDS = [
  ['depends_on_regexes', 'jobs'],
  ['input_files_regexes', 'files'],
  ['output_files_regexes', 'files'],
  ['input_user_data_regexes', 'userData'],
  ['output_user_data_regexes', 'userData'],
] as const;

/** An issue when the regex references would need more than MAX_REGEX_MATCHES name tests. */
function regexCostIssue(
  jobs: Array<Counted<JobSpec>>,
  spec: WorkflowSpec,
  sizes: Record<'jobs' | 'files' | 'userData', number>,
): FieldIssue[] {
  const seen = new Set<string>();
  let total = 0;
  let worst: { path: string; source: string; cost: number; forms: number; names: number } | undefined;
  const add = (path: string, source: string, forms: number, names: number) => {
    const cost = forms * names;
    total += cost;
    if (!worst || cost > worst.cost) worst = { path, source, cost, forms, names };
  };
  for (const { item: job, path, count, parameterized } of jobs)
    for (const [field, kind] of REGEX_FIELDS)
      job[field]?.forEach((source, k) => {
        const varies = parameterized && literalParts(source).length > 1;
        // One pattern is matched once for the whole spec however many jobs use it.
        if (!varies && seen.has(`${kind}\0${source}`)) return;
        seen.add(`${kind}\0${source}`);
        add(`${path}.${field}[${k}]`, source, varies ? count : 1, sizes[kind]);
      });
  spec.actions.forEach((action, a) =>
    action.job_name_regexes?.forEach((source, k) => add(`actions[${a}].job_name_regexes[${k}]`, source, 1, sizes.jobs)),
  );
  if (total <= MAX_REGEX_MATCHES || !worst) return [];
  const w: NonNullable<typeof worst> = worst;
  return [
    {
      path: w.path,
      message:
        `regex "${w.source}" would be tried on ${number(w.names)} names for each of its ${number(w.forms)} forms; ` +
        `the spec's regexes need ${number(total)} matches in all, at most ${number(MAX_REGEX_MATCHES)} are allowed ` +
        '(name the dependencies, or use one pattern for many jobs)',
    },
  ];
}

/**
 * Refuse a spec that is too large to expand or names what cannot exist, before expanding it.
 * @throws ValidationError naming each offending field
 */
export function precheckSpec(spec: WorkflowSpec, limits: SpecLimits): void {
  const jobs = countAll(spec.jobs, 'jobs', spec);
  const files = countAll(spec.files, 'files', spec);
  const issues = [
    ...sizeIssue(jobs, 'jobs', 'jobs', limits.maxJobs),
    ...sizeIssue(files, 'files', 'files', limits.maxJobs),
  ];
  if (issues.length) throw new ValidationError(issues);
  const names: KnownNames = {
    jobs: new NameTemplates(jobs.map((j) => nameTemplate(j.item.name, j.parameterized))),
    files: new NameTemplates(files.map((f) => nameTemplate(f.item.name, f.parameterized))),
    userData: new Set(spec.user_data.flatMap((u) => (u.name === undefined ? [] : [u.name]))),
    resourceRequirements: new Set(spec.resource_requirements.map((r) => r.name)),
    failureHandlers: new Set(spec.failure_handlers.map((f) => f.name)),
    schedulers: new Set(schedulerEntries(spec).map((s) => s.name)),
  };
  for (const job of jobs) {
    issues.push(...undefinedReferences(job, names));
    if (issues.length > 100) break;
  }
  if (issues.length) throw new ValidationError(issues.slice(0, 100));
  const sizes = {
    jobs: jobs.reduce((n, j) => n + j.count, 0),
    files: files.reduce((n, f) => n + f.count, 0),
    userData: spec.user_data.length,
  };
  issues.push(...regexCostIssue(jobs, spec, sizes));
  if (issues.length) throw new ValidationError(issues);
}
